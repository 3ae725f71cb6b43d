import { createPermission } from '@backstage/plugin-permission-common';

/** Read who is on call. @public */
export const itopsOnCallReadPermission = createPermission({
  name: 'itops.oncall.read',
  attributes: { action: 'read' },
});

/** Read incidents and incident KPIs. @public */
export const itopsIncidentReadPermission = createPermission({
  name: 'itops.incident.read',
  attributes: { action: 'read' },
});

/** Read change requests and freeze windows. @public */
export const itopsChangeReadPermission = createPermission({
  name: 'itops.change.read',
  attributes: { action: 'read' },
});

/** Read backup jobs, runs and backup KPIs. @public */
export const itopsBackupReadPermission = createPermission({
  name: 'itops.backup.read',
  attributes: { action: 'read' },
});

/** Read compliance scorecards and evidence. @public */
export const itopsComplianceReadPermission = createPermission({
  name: 'itops.compliance.read',
  attributes: { action: 'read' },
});

/** Request a compliance waiver (exception) for a check on an entity. @public */
export const itopsComplianceWaiverCreatePermission = createPermission({
  name: 'itops.compliance.waiver.create',
  attributes: { action: 'create' },
});

/** Approve, reject or revoke compliance waivers requested by others. @public */
export const itopsComplianceWaiverApprovePermission = createPermission({
  name: 'itops.compliance.waiver.approve',
  attributes: { action: 'update' },
});

/**
 * Record a decision on a personal-data breach (GDPR art. 33, 34):
 * notifiable or not, communicated to data subjects or exempt. @public
 */
export const itopsComplianceBreachDecidePermission = createPermission({
  name: 'itops.compliance.breach.decide',
  attributes: { action: 'create' },
});

/**
 * Attest a control for an entity with evidence (owners of the entity may
 * attest without it). @public
 */
export const itopsComplianceAttestPermission = createPermission({
  name: 'itops.compliance.attest',
  attributes: { action: 'create' },
});

/** Run a compliance evaluation on demand. @public */
export const itopsComplianceEvaluatePermission = createPermission({
  name: 'itops.compliance.evaluate',
  attributes: { action: 'update' },
});

/** Read the sync status of source instances. @public */
export const itopsSyncStatusReadPermission = createPermission({
  name: 'itops.sync-status.read',
  attributes: { action: 'read' },
});

/** Every ITOps permission, for registration. @public */
export const itopsPermissions = [
  itopsOnCallReadPermission,
  itopsIncidentReadPermission,
  itopsChangeReadPermission,
  itopsBackupReadPermission,
  itopsComplianceReadPermission,
  itopsComplianceWaiverCreatePermission,
  itopsComplianceWaiverApprovePermission,
  itopsComplianceBreachDecidePermission,
  itopsComplianceAttestPermission,
  itopsComplianceEvaluatePermission,
  itopsSyncStatusReadPermission,
];
