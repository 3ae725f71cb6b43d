import type { ComplianceFramework } from './types';

/** Id of the GDPR framework in check mappings. @public */
export const GDPR = 'gdpr';

/**
 * GDPR (Regulation (EU) 2016/679) articles that matter to IT operations.
 * Labels are the official article titles (EU law, reusable with
 * acknowledgement); descriptions are the project's own paraphrases.
 *
 * @public
 */
export const gdprFramework: ComplianceFramework = {
  id: GDPR,
  name: 'GDPR (Regulation (EU) 2016/679)',
  version: '2016/679',
  attribution: '© European Union, https://eur-lex.europa.eu',
  textSource: 'eu-law',
  controls: [
    {
      id: '5(1)(e)',
      label:
        'Principles relating to processing of personal data (storage limitation)',
      theme: 'Principles',
      evidence: 'partial',
      description:
        'Keep identifiable personal data no longer than the purpose needs.',
    },
    {
      id: '5(1)(f)',
      label:
        'Principles relating to processing of personal data (integrity and confidentiality)',
      theme: 'Principles',
      evidence: 'partial',
      description:
        'Protect personal data against unauthorised processing, loss and damage.',
    },
    {
      id: '5(2)',
      label:
        'Principles relating to processing of personal data (accountability)',
      theme: 'Principles',
      evidence: 'partial',
      description:
        'The controller must be able to demonstrate compliance, not only comply.',
    },
    {
      id: '17',
      label: 'Right to erasure',
      theme: 'Rights of the data subject',
      evidence: 'partial',
      description:
        'Erase a data subject’s personal data without undue delay when one of the grounds applies.',
    },
    {
      id: '24',
      label: 'Responsibility of the controller',
      theme: 'Controller and processor',
      evidence: 'partial',
      description:
        'Put risk-appropriate measures in place, show that they work and keep them under review.',
    },
    {
      id: '25',
      label: 'Data protection by design and by default',
      theme: 'Controller and processor',
      evidence: 'partial',
      description:
        'Build data protection into the processing and, by default, process only the personal data each purpose needs.',
    },
    {
      id: '28',
      label: 'Processor',
      theme: 'Controller and processor',
      // SUP-01 shows an agreement is linked per supplier, not its terms.
      evidence: 'partial',
      description:
        'Use only processors with sufficient guarantees, bound by contract.',
    },
    {
      id: '30',
      label: 'Records of processing activities',
      theme: 'Controller and processor',
      evidence: 'partial',
      description:
        'Keep a written record of processing: purposes, data categories, recipients, time limits and security measures.',
    },
    {
      id: '32(1)(a)',
      label: 'Security of processing (pseudonymisation and encryption)',
      theme: 'Security of personal data',
      evidence: 'manual',
      description: 'Pseudonymise and encrypt personal data where appropriate.',
    },
    {
      id: '32(1)(b)',
      label:
        'Security of processing (ongoing confidentiality, integrity, availability and resilience)',
      theme: 'Security of personal data',
      evidence: 'partial',
      description:
        'Keep systems and services confidential, intact, available and resilient on an ongoing basis.',
    },
    {
      id: '32(1)(c)',
      label: 'Security of processing (timely restore after an incident)',
      theme: 'Security of personal data',
      evidence: 'strong',
      description:
        'Be able to restore availability of and access to personal data promptly after an incident.',
    },
    {
      id: '32(1)(d)',
      label: 'Security of processing (regular testing of measures)',
      theme: 'Security of personal data',
      evidence: 'partial',
      description:
        'Regularly test, assess and evaluate whether the security measures work.',
    },
    {
      id: '33(1)',
      label:
        'Notification of a personal data breach to the supervisory authority',
      theme: 'Security of personal data',
      evidence: 'strong',
      description:
        'Notify the supervisory authority without undue delay and where feasible within 72 hours of becoming aware of a breach; a later notification must give the reasons for the delay.',
    },
    {
      id: '33(5)',
      label:
        'Notification of a personal data breach to the supervisory authority (documentation)',
      theme: 'Security of personal data',
      evidence: 'partial',
      description:
        'Document every breach, notified or not: facts, effects and remedial action.',
    },
    {
      id: '34',
      label: 'Communication of a personal data breach to the data subject',
      theme: 'Security of personal data',
      evidence: 'manual',
      description:
        'Tell affected people about a high-risk breach without undue delay.',
    },
    {
      id: '35',
      label: 'Data protection impact assessment',
      theme: 'Impact assessment',
      evidence: 'manual',
      description:
        'Assess the impact of high-risk processing before it starts.',
    },
    {
      id: '44',
      label: 'General principle for transfers',
      theme: 'Transfers to third countries',
      evidence: 'partial',
      description:
        'Transfer personal data outside the EEA only under the conditions of chapter V.',
    },
    {
      id: '46',
      label: 'Transfers subject to appropriate safeguards',
      theme: 'Transfers to third countries',
      evidence: 'partial',
      description:
        'Without an adequacy decision, transfer only with appropriate safeguards such as standard contractual clauses or binding corporate rules.',
    },
  ],
};
