import { InputError } from '@backstage/errors';
import { CALENDAR_MAX_DAYS, filtersOf } from '../calendar/routes';
import { DAY_MS } from '../service/params';
import {
  auditedAction,
  entityRefInput,
  entityRefSchema,
  instantOf,
  instantSchema,
  itopsEntity,
  type ItopsActionsOptions,
} from './common';
import { freezeWindowSchema, recordSchema } from './schemas';

/** Longest span a freeze question may cover, as on `/freeze-status`. */
const FREEZE_MAX_DAYS = 366;
/** Most changes one answer lists; `totalCount` tells how many match. */
const MAX_CHANGES = 200;

function checkedSpan(
  from: number,
  to: number,
  names: [string, string],
  maxDays: number,
) {
  if (to <= from) {
    throw new InputError(`Input '${names[1]}' must be after '${names[0]}'`);
  }
  if (to - from > maxDays * DAY_MS) {
    throw new InputError(
      `Inputs '${names[0]}' and '${names[1]}' span more than ${maxDays} days`,
    );
  }
}

/**
 * `get-freeze-status` and `list-changes`: the change calendar's freeze
 * status and change list, through the calendar service the routes use.
 */
export function registerChangeActions(options: ItopsActionsOptions): void {
  const { actionsRegistry, access, store, calendar, auditor } = options;

  actionsRegistry.register({
    name: 'get-freeze-status',
    title: 'Is an entity in a change freeze',
    description:
      'Whether a catalog entity is in a change freeze window now, at a given time, or at any time in [at, end), with the freeze windows that apply (synced blackout schedules and windows from app-config, global or scoped to its system, team or tags). Needs the itops.change.read permission.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefSchema(z),
          at: instantSchema(
            z,
            'The time to answer for, ISO 8601 with offset; defaults to now',
          ).optional(),
          end: instantSchema(
            z,
            'With it, whether any freeze applies in [at, end), e.g. a planned change window',
          ).optional(),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          at: z.string(),
          end: z.string().optional(),
          frozen: z.boolean(),
          windows: z.array(freezeWindowSchema(z)),
        }),
    },
    action: async ({ input, credentials }) =>
      auditedAction(
        auditor,
        {
          eventId: 'freeze-status-read',
          credentials,
          meta: { entityRef: input.entityRef, at: input.at, end: input.end },
        },
        async () => {
          await access.requireFor(credentials, 'changes');
          const { entityRef } = await itopsEntity(
            store,
            entityRefInput(input.entityRef),
          );
          const at = instantOf(input.at) ?? calendar.now();
          const end = instantOf(input.end);
          if (end !== undefined) {
            checkedSpan(at, end, ['at', 'end'], FREEZE_MAX_DAYS);
          }
          return {
            output: await calendar.freezeStatus(entityRef, at, end),
          };
        },
      ),
  });

  actionsRegistry.register({
    name: 'list-changes',
    title: 'Changes in a window',
    description: `Change requests planned in a time window (at most ${CALENDAR_MAX_DAYS} days), by planned start, optionally for one entity, the entities of owners (teams) or systems; each with the number of changes it conflicts with and the freeze windows it is planned in. Needs the itops.change.read permission.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          from: instantSchema(z, 'Window start, ISO 8601 with offset'),
          to: instantSchema(z, 'Window end, ISO 8601 with offset'),
          entityRef: entityRefSchema(
            z,
            'Only changes of this entity',
          ).optional(),
          owners: z
            .array(z.string().min(1).max(400))
            .max(20)
            .optional()
            .describe(
              'Only changes of entities owned by these groups (entity refs)',
            ),
          systems: z
            .array(z.string().min(1).max(400))
            .max(20)
            .optional()
            .describe(
              'Only changes of entities in these systems (entity refs)',
            ),
          limit: z
            .number()
            .int()
            .min(1)
            .max(MAX_CHANGES)
            .optional()
            .describe(`How many to list, at most ${MAX_CHANGES} (default 50)`),
        }),
      output: z =>
        z.object({
          totalCount: z.number(),
          items: z.array(
            recordSchema(z).extend({
              id: z.string(),
              number: z.string(),
              title: z.string(),
              type: z.string(),
              state: z.string(),
              plannedStart: z.string(),
              plannedEnd: z.string().optional(),
              entityRefs: z.array(z.string()),
              conflictCount: z.number(),
              freezes: z.array(z.string()),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) =>
      auditedAction(
        auditor,
        {
          eventId: 'changes-read',
          credentials,
          meta: {
            from: input.from,
            to: input.to,
            entityRef: input.entityRef,
          },
        },
        async () => {
          await access.requireFor(credentials, 'changes');
          const from = instantOf(input.from)!;
          const to = instantOf(input.to)!;
          checkedSpan(from, to, ['from', 'to'], CALENDAR_MAX_DAYS);
          const filters = await filtersOf(store, {
            entityRef: input.entityRef
              ? [entityRefInput(input.entityRef)]
              : undefined,
            owner: input.owners?.map(ref => entityRefInput(ref, 'owners')),
            system: input.systems?.map(ref => entityRefInput(ref, 'systems')),
          });
          const page = await calendar.listChanges({
            from,
            to,
            ...filters,
            limit: input.limit ?? 50,
            offset: 0,
          });
          return {
            output: { totalCount: page.totalCount, items: page.items },
          };
        },
      ),
  });
}
