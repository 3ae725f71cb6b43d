import { registerBackupActions } from './backups';
import { registerChangeActions } from './changes';
import type { ItopsActionsOptions } from './common';
import { registerComplianceActions } from './compliance';
import { registerIncidentActions } from './incidents';
import { registerOnCallActions } from './oncall';

export type { ItopsActionsOptions } from './common';

/**
 * Registers the ITOps actions with the actions registry (served to MCP
 * clients by the MCP actions backend). Each checks the permission its REST
 * route checks and reads through the same service.
 */
export function registerItopsActions(options: ItopsActionsOptions): void {
  registerOnCallActions(options);
  registerIncidentActions(options);
  registerChangeActions(options);
  registerBackupActions(options);
  registerComplianceActions(options);
}
