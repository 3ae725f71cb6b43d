export { createCompliance, COMPLIANCE_TASK_ID } from './createCompliance';
export type { ComplianceSettings } from './config';
