import type {
  ComplianceControl,
  ComplianceFramework,
  EvidenceStrength,
} from './types';

/** Id of the ISO/IEC 27001:2022 Annex A framework in check mappings. @public */
export const ISO27001_2022 = 'iso27001-2022';

type Row = readonly [id: string, label: string, evidence: 'S' | 'P' | 'M'];

const STRENGTH: Record<Row[2], EvidenceStrength> = {
  S: 'strong',
  P: 'partial',
  M: 'manual',
};

/*
 * Annex A control ids with labels written by this project. ISO's own
 * titles, statements and guidance are ISO copyright and are deliberately not
 * shipped; an organisation holding a licence can import its own catalogue
 * (see `itops.compliance.frameworks`). The evidence column says how much
 * ITOps data can tell about each control.
 */
const ORGANIZATIONAL: Row[] = [
  ['A.5.1', 'Security policy set', 'M'],
  ['A.5.2', 'Security roles assigned', 'P'],
  ['A.5.3', 'Conflicting duties separated', 'P'],
  ['A.5.4', 'Leadership backs security', 'M'],
  ['A.5.5', 'Regulator contacts', 'P'],
  ['A.5.6', 'Community and expert contacts', 'M'],
  ['A.5.7', 'Threat information', 'M'],
  ['A.5.8', 'Security in projects', 'M'],
  ['A.5.9', 'Asset register', 'S'],
  ['A.5.10', 'Rules for using assets', 'M'],
  ['A.5.11', 'Handing back assets', 'M'],
  ['A.5.12', 'Data classes', 'P'],
  ['A.5.13', 'Data labels', 'M'],
  ['A.5.14', 'Moving data safely', 'M'],
  ['A.5.15', 'Who may access what', 'M'],
  ['A.5.16', 'Identities', 'M'],
  ['A.5.17', 'Secrets and credentials', 'M'],
  ['A.5.18', 'Granting and reviewing access', 'M'],
  ['A.5.19', 'Supplier security', 'P'],
  ['A.5.20', 'Security terms in supplier contracts', 'P'],
  ['A.5.21', 'ICT supply chain', 'M'],
  ['A.5.22', 'Watching supplier services', 'P'],
  ['A.5.23', 'Cloud service security', 'P'],
  ['A.5.24', 'Incident readiness', 'S'],
  ['A.5.25', 'Triage of security events', 'S'],
  ['A.5.26', 'Handling incidents', 'S'],
  ['A.5.27', 'Lessons from incidents', 'S'],
  ['A.5.28', 'Preserving evidence', 'P'],
  ['A.5.29', 'Security while disrupted', 'P'],
  ['A.5.30', 'ICT continuity readiness', 'S'],
  ['A.5.31', 'Legal and contractual duties', 'P'],
  ['A.5.32', 'Intellectual property', 'M'],
  ['A.5.33', 'Keeping records safe', 'P'],
  ['A.5.34', 'Personal data protection', 'P'],
  ['A.5.35', 'Independent security review', 'M'],
  ['A.5.36', 'Following the security rules', 'P'],
  ['A.5.37', 'Operating procedures written down', 'S'],
];

const PEOPLE: Row[] = [
  ['A.6.1', 'Background checks', 'M'],
  ['A.6.2', 'Employment terms', 'M'],
  ['A.6.3', 'Security training', 'M'],
  ['A.6.4', 'Sanctions process', 'M'],
  ['A.6.5', 'Leavers and movers', 'M'],
  ['A.6.6', 'Non-disclosure agreements', 'M'],
  ['A.6.7', 'Working remotely', 'M'],
  ['A.6.8', 'Reporting security events', 'P'],
];

const PHYSICAL: Row[] = [
  ['A.7.1', 'Site perimeters', 'M'],
  ['A.7.2', 'Entry control', 'M'],
  ['A.7.3', 'Protected rooms and offices', 'M'],
  ['A.7.4', 'Watching premises', 'M'],
  ['A.7.5', 'Environmental threats', 'M'],
  ['A.7.6', 'Rules inside secure areas', 'M'],
  ['A.7.7', 'Tidy desks and locked screens', 'M'],
  ['A.7.8', 'Placing equipment', 'M'],
  ['A.7.9', 'Assets away from site', 'M'],
  ['A.7.10', 'Storage media', 'P'],
  ['A.7.11', 'Power and utilities', 'P'],
  ['A.7.12', 'Cables', 'M'],
  ['A.7.13', 'Maintaining equipment', 'P'],
  ['A.7.14', 'Disposing of equipment', 'P'],
];

const TECHNOLOGICAL: Row[] = [
  ['A.8.1', 'Endpoint devices', 'M'],
  ['A.8.2', 'Privileged access', 'M'],
  ['A.8.3', 'Restricting data access', 'M'],
  ['A.8.4', 'Source code access', 'M'],
  ['A.8.5', 'Strong authentication', 'M'],
  ['A.8.6', 'Capacity', 'P'],
  ['A.8.7', 'Malware defence', 'M'],
  ['A.8.8', 'Vulnerability handling', 'S'],
  ['A.8.9', 'Configuration control', 'P'],
  ['A.8.10', 'Deleting data', 'P'],
  ['A.8.11', 'Masking data', 'M'],
  ['A.8.12', 'Leak prevention', 'M'],
  ['A.8.13', 'Backups', 'S'],
  ['A.8.14', 'Redundant facilities', 'P'],
  ['A.8.15', 'Logs', 'P'],
  ['A.8.16', 'Monitoring', 'S'],
  ['A.8.17', 'Synchronised clocks', 'M'],
  ['A.8.18', 'Powerful utility programs', 'M'],
  ['A.8.19', 'Installing software in production', 'P'],
  ['A.8.20', 'Network protection', 'M'],
  ['A.8.21', 'Network service security', 'M'],
  ['A.8.22', 'Network segmentation', 'M'],
  ['A.8.23', 'Filtering web access', 'M'],
  ['A.8.24', 'Cryptography', 'P'],
  ['A.8.25', 'Secure development process', 'M'],
  ['A.8.26', 'Application security needs', 'M'],
  ['A.8.27', 'Secure architecture', 'M'],
  ['A.8.28', 'Coding securely', 'M'],
  ['A.8.29', 'Security testing before release', 'M'],
  ['A.8.30', 'Outsourced development', 'M'],
  ['A.8.31', 'Separate dev, test and production', 'P'],
  ['A.8.32', 'Change control', 'S'],
  ['A.8.33', 'Test data', 'M'],
  ['A.8.34', 'Audits without disruption', 'P'],
];

function controls(theme: string, rows: Row[]): ComplianceControl[] {
  return rows.map(([id, label, evidence]) => ({
    id,
    label,
    theme,
    evidence: STRENGTH[evidence],
  }));
}

/**
 * ISO/IEC 27001:2022 Annex A: the 93 control ids under the four themes,
 * labelled in the project's own words.
 *
 * @public
 */
export const iso27001Framework: ComplianceFramework = {
  id: ISO27001_2022,
  name: 'ISO/IEC 27001:2022 Annex A',
  version: '2022',
  attribution:
    'Control identifiers of ISO/IEC 27001:2022. Labels are this project’s own wording, not ISO text; import your licensed catalogue for the official titles.',
  textSource: 'project',
  controls: [
    ...controls('Organizational', ORGANIZATIONAL),
    ...controls('People', PEOPLE),
    ...controls('Physical', PHYSICAL),
    ...controls('Technological', TECHNOLOGICAL),
  ],
};
