import {
  auditedAction,
  entityRefInput,
  entityRefSchema,
  instantOf,
  instantSchema,
  itopsEntity,
  type ItopsActionsOptions,
} from './common';
import { shiftSchema } from './schemas';

/** `get-on-call`: who is on call for an entity, now or at a given time. */
export function registerOnCallActions(options: ItopsActionsOptions): void {
  const { actionsRegistry, access, store, auditor } = options;
  actionsRegistry.register({
    name: 'get-on-call',
    title: 'Who is on call',
    description:
      'Who is on call for a catalog entity (service, system or team) now or at a given time, per escalation level, and who takes over next. A system answers with the rotas of the teams owning it. Needs the itops.oncall.read permission.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefSchema(z),
          at: instantSchema(
            z,
            'The time to answer for, ISO 8601 with offset; defaults to now',
          ).optional(),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          at: z.string(),
          onCall: z.array(shiftSchema(z)),
          next: z.array(shiftSchema(z)),
        }),
    },
    action: async ({ input, credentials }) => {
      return auditedAction(
        auditor,
        {
          eventId: 'oncall-read',
          credentials,
          meta: { entityRef: input.entityRef, at: input.at },
        },
        async () => {
          await access.requireFor(credentials, 'oncall');
          const { entityRef } = await itopsEntity(
            store,
            entityRefInput(input.entityRef),
          );
          const at = instantOf(input.at) ?? store.now();
          const shifts = await store.onCall(entityRef, at);
          return {
            output: {
              entityRef,
              at: new Date(at).toISOString(),
              onCall: shifts.now,
              next: shifts.next,
            },
          };
        },
      );
    },
  });
}
