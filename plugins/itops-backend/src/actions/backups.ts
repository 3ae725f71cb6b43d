import {
  auditedAction,
  entityRefInput,
  entityRefSchema,
  itopsEntity,
  type ItopsActionsOptions,
} from './common';
import { ratioSchema } from './schemas';

/** `get-backup-health`: the backup health the entity's backups route shows. */
export function registerBackupActions(options: ItopsActionsOptions): void {
  const { actionsRegistry, access, store, auditor } = options;
  actionsRegistry.register({
    name: 'get-backup-health',
    title: 'Backup health',
    description:
      "Backup health of a catalog entity over all its backup jobs: status, last restore point and its age, worst latest result, 30-day success rate, failed objects, last restore test and whether its recovery point objective (itops.io/rpo) is met. Status 'none' means the entity has no backup jobs: no evidence of backups, not healthy. Needs the itops.backup.read permission.",
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z => z.object({ entityRef: entityRefSchema(z) }),
      output: z =>
        z.object({
          entityRef: z.string(),
          health: z
            .object({
              status: z.string(),
              jobCount: z.number(),
              lastRestorePointAt: z.string().optional(),
              lastRestorePointAgeMs: z.number().optional(),
              lastResult: z.string().optional(),
              successRate30d: ratioSchema(z),
              failedObjects: z.array(z.string()),
            })
            .passthrough(),
        }),
    },
    action: async ({ input, credentials }) =>
      auditedAction(
        auditor,
        {
          eventId: 'backup-health-read',
          credentials,
          meta: { entityRef: input.entityRef },
        },
        async () => {
          await access.requireFor(credentials, 'backups');
          const { entityRef } = await itopsEntity(
            store,
            entityRefInput(input.entityRef),
          );
          return {
            output: { entityRef, health: await store.backupHealth(entityRef) },
          };
        },
      ),
  });
}
