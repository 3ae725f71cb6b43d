/**
 * Catalog annotations the compliance checks read, in the same `itops.io/`
 * namespace as the mapping annotations. Owners declare them; the checks of
 * the INV and PRIV families measure whether they did.
 *
 * @public
 */
export const COMPLIANCE_ANNOTATIONS = {
  /** Criticality, `1` (most critical) to `4`. Stricter thresholds may apply to tier 1. */
  tier: 'itops.io/tier',
  /** Data classification, e.g. `public`, `internal`, `confidential`, `restricted`. */
  dataClassification: 'itops.io/data-classification',
  /** Whether the service processes personal data: `true` or `false` (GDPR art. 30). */
  personalData: 'itops.io/personal-data',
  /** Reference to the record of processing activities (ROPA) entry. */
  ropa: 'itops.io/ropa',
  /** Date (ISO 8601) the ROPA entry was last reviewed. */
  ropaReviewed: 'itops.io/ropa-reviewed',
  /** Recovery time objective as an ISO 8601 duration, e.g. `PT4H`. */
  rto: 'itops.io/rto',
  /** Recovery point objective (declared with the mapping annotations). */
  rpo: 'itops.io/rpo',
  /** Where the service's monitoring and alerting lives: a URL or a tool's name (MON-01). */
  monitoring: 'itops.io/monitoring',
  /** Where the service's logs go: a URL, index or tool (MON-01). */
  logDestination: 'itops.io/log-destination',
  /** Link to the runbook / operating procedure (OPS-01). */
  runbook: 'itops.io/runbook',
  /** Link to the procedure that erases a data subject's personal data (GDPR art. 17, PRIV-03). */
  deletionProcedure: 'itops.io/deletion-procedure',
  /**
   * Where the personal data is stored and processed: comma-separated ISO
   * 3166 country codes, `EU`/`EEA`, or both (GDPR art. 44, PRIV-04).
   */
  dataLocation: 'itops.io/data-location',
  /**
   * The chapter V mechanism for data outside the EEA: `adequacy`, `scc`,
   * `bcr`, `derogation` (art. 45–49), or `none` (PRIV-04).
   */
  transferMechanism: 'itops.io/transfer-mechanism',
  /**
   * How the service survives the loss of one of its facilities:
   * `active-active`, `active-passive` or `none` (RED-01).
   */
  redundancy: 'itops.io/redundancy',
  /** Link to the redundancy design or the failover test record (RED-01). */
  redundancyEvidence: 'itops.io/redundancy-evidence',
  /**
   * The external suppliers the service depends on: comma-separated ids
   * (letters, digits, `-`, `_`, `.`), or `none` (SUP-01).
   */
  suppliers: 'itops.io/suppliers',
  /**
   * Prefix of the per-supplier agreement link: `itops.io/supplier-agreement.<id>`
   * links the contract (and DPA) with the supplier `<id>` listed in
   * `itops.io/suppliers` (SUP-01).
   */
  supplierAgreementPrefix: 'itops.io/supplier-agreement.',
} as const;

/**
 * The tier an annotation value declares, or undefined when it is missing or
 * not one of 1–4 (`1`, `tier-1` and `tier1` are accepted).
 *
 * @public
 */
export function parseTier(value: string | undefined): number | undefined {
  const match = /^(?:tier[-_ ]?)?([1-4])$/i.exec(value?.trim() ?? '');
  return match ? Number(match[1]) : undefined;
}
