import { GDPR } from './gdpr';
import { ISO27001_2022 } from './iso27001';
import type { CheckDefinition, CheckMapping } from './types';

function iso(...controls: string[]): CheckMapping[] {
  return controls.map(control => ({ framework: ISO27001_2022, control }));
}

function gdpr(...articles: string[]): CheckMapping[] {
  return articles.map(control => ({ framework: GDPR, control }));
}

/**
 * Checks of what a service declares in the catalog about how it is run
 * (monitoring, logs, runbook) and how its personal data is handled
 * (deletion, location and transfers, classification). They need no
 * record source: the catalog is the evidence, so a missing declaration
 * fails and nothing is inferred. Part of COMPLIANCE_CHECKS.
 */
export const DECLARATION_CHECKS: readonly CheckDefinition[] = [
  {
    id: 'MON-01',
    version: 1,
    title: 'Monitoring and log destination declared',
    description:
      'The service names its monitoring/alerting source (itops.io/monitoring) and where its logs go (itops.io/log-destination).',
    remediation:
      'Declare itops.io/monitoring (dashboard or alerting URL, or the tool) and itops.io/log-destination (log index, workspace or URL).',
    data: ['catalog'],
    thresholds: {},
    thresholdText: 'pass: both declared; warn: one; fail: neither',
    mappings: [...iso('A.8.16', 'A.8.15')],
  },
  {
    id: 'OPS-01',
    version: 1,
    title: 'Runbook linked for critical services',
    description:
      'A tier 1 or 2 service links its runbook or documented operating procedure (itops.io/runbook). Services of a lower tier, or untiered ones judged at a default tier above maxTier, are not in scope.',
    remediation:
      'Write the runbook (start, stop, failover, restore, escalation) and link it with itops.io/runbook.',
    data: ['catalog'],
    scope: { tiers: [1, 2] },
    thresholds: { maxTier: 2 },
    thresholdText:
      'pass: runbook linked; fail: a tier 1–2 service without one; n/a: tier 3–4',
    mappings: [...iso('A.5.37', 'A.5.29')],
  },
  {
    id: 'RED-01',
    version: 1,
    title: 'Redundancy declared and evidenced for critical services',
    description:
      'A tier 1 or 2 service declares how it survives the loss of a facility (itops.io/redundancy: active-active, active-passive or none) and links the design or failover test that shows it (itops.io/redundancy-evidence). At tiers up to strictTier anything short of evidenced redundancy fails; above it, up to maxTier, none or unevidenced redundancy warns. Restore tests are not read as redundancy: restoring from backup is recovery (BKP-04), not a redundant facility.',
    remediation:
      'Build in the redundancy the service tier needs, declare it with itops.io/redundancy and link the design or the last failover test with itops.io/redundancy-evidence.',
    data: ['catalog'],
    scope: { tiers: [1, 2] },
    thresholds: { maxTier: 2, strictTier: 1 },
    thresholdText:
      'pass: active-active or active-passive with evidence linked; warn (tier 2): none, or redundancy without evidence; fail: not declared, or (tier 1) none or without evidence; error: a value other than active-active, active-passive or none; n/a: tier 3–4',
    mappings: [...iso('A.8.14')],
  },
  {
    id: 'SUP-01',
    version: 1,
    title: 'Agreement linked for every declared supplier',
    description:
      'A service lists the external suppliers it depends on (itops.io/suppliers, or none) and links the agreement with each, including the data processing terms where the supplier processes personal data (itops.io/supplier-agreement.<id>). Only that an agreement is linked is measured, not what it says: for GDPR art. 28(3) this is partial evidence that processors are bound by contract.',
    remediation:
      'List the service’s suppliers in itops.io/suppliers and link each signed agreement (and DPA for processors of personal data) with itops.io/supplier-agreement.<id>.',
    data: ['catalog'],
    thresholds: {},
    thresholdText:
      'pass: an agreement linked for every listed supplier; warn: all linked, but an agreement is linked for a supplier not listed (the list may be incomplete); fail: a listed supplier without one; error: a list that cannot be read; no data: suppliers not declared; n/a: declared none with no agreement linked',
    mappings: [...iso('A.5.20'), ...gdpr('28')],
  },
  {
    id: 'PRIV-03',
    version: 1,
    title: 'Erasure procedure for personal data',
    description:
      'A service processing personal data links the procedure that erases a data subject’s data on request (itops.io/deletion-procedure).',
    remediation:
      'Document how an erasure request is carried out in this service (and its backups) and link it with itops.io/deletion-procedure.',
    data: ['catalog'],
    scope: { personalData: true },
    thresholds: {},
    thresholdText:
      'pass: procedure linked; fail: none; no data: personal-data processing not declared (PRIV-01); n/a: no personal data',
    mappings: [...gdpr('17'), ...iso('A.8.10', 'A.5.34')],
  },
  {
    id: 'PRIV-04',
    version: 1,
    title: 'Data location and transfer mechanism',
    description:
      'A service processing personal data declares where the data is (itops.io/data-location: EU/EEA or country codes); data outside the EEA names its chapter V mechanism (itops.io/transfer-mechanism: adequacy, scc, bcr; derogation is for occasional transfers only).',
    remediation:
      'Declare itops.io/data-location; for locations outside the EEA record the transfer mechanism (adequacy decision, standard contractual clauses or binding corporate rules).',
    data: ['catalog'],
    scope: { personalData: true },
    thresholds: {},
    thresholdText:
      'pass: within the EEA, or outside it under adequacy, SCC or BCR; warn: outside it on an art. 49 derogation; fail: location missing or unreadable, or outside the EEA without a mechanism',
    mappings: [...gdpr('44', '46'), ...iso('A.5.14', 'A.5.34')],
  },
  {
    id: 'PRIV-05',
    version: 1,
    title: 'Personal data classified and declared consistently',
    description:
      'Data protection by design: a service processing personal data is classified confidential or restricted (itops.io/data-classification), and a service declared as not processing personal data references no ROPA entry or erasure procedure.',
    remediation:
      'Classify personal-data services confidential or restricted; correct itops.io/personal-data where the service references a ROPA entry or an erasure procedure.',
    data: ['catalog'],
    thresholds: {},
    thresholdText:
      'pass: consistent; warn: declared without personal data but referencing a ROPA entry or erasure procedure; fail: personal data classified public or internal, or not classified; no data: personal data not declared, or a classification outside public/internal/confidential/restricted',
    mappings: [...gdpr('25'), ...iso('A.5.13', 'A.5.12')],
  },
  {
    id: 'GOV-01',
    version: 1,
    title: 'Controls tested regularly',
    description:
      'The automated checks run over all services at a regular cadence: the gaps between full evaluation snapshots in the window, and since the newest one, stay within cadenceDays (GDPR art. 32(1)(d) regular testing of measures; ISO A.5.36 regular review of compliance). Judged from the first snapshot when the window starts before it.',
    remediation:
      'Keep the scheduled evaluation running (itops.compliance.schedule) and look into runs that failed or were stopped.',
    data: ['catalog'],
    windowDays: 90,
    thresholds: { cadenceDays: 7, warnFactor: 2 },
    thresholdText:
      'pass: no gap over 7 days; warn: the longest gap up to 14 days; fail: longer; no data: no earlier full snapshot',
    mappings: [...gdpr('32(1)(d)'), ...iso('A.5.36')],
  },
];
