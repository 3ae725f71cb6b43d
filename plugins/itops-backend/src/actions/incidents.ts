import { InputError } from '@backstage/errors';
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
import {
  durationSchema,
  incidentSchema,
  statusCountsSchema,
  windowSchema,
} from './schemas';

/** Most incidents one answer lists; `totalCount` tells how many match. */
const MAX_INCIDENTS = 100;
/** Longest KPI window, as on the REST KPI routes: a year. */
const KPI_MAX_DAYS = 366;

/**
 * `list-open-incidents` and `get-incident-kpis`: the entity routes'
 * incident list and incident KPIs. A group's incidents are those of its
 * own keys and of what it owns, as on its entity page.
 */
export function registerIncidentActions(options: ItopsActionsOptions): void {
  const { actionsRegistry, access, store, kpis, auditor } = options;

  actionsRegistry.register({
    name: 'list-open-incidents',
    title: 'Open incidents',
    description:
      'Open incidents of a catalog entity, or of a team (group entity: its own and those of what it owns), newest first, optionally only some priorities (1 critical to 5 planning). Needs the itops.incident.read permission.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefSchema(z, 'The catalog entity or team (group)'),
          priorities: z
            .array(z.number().int().min(1).max(5))
            .max(5)
            .optional()
            .describe('Only these priorities, 1 (critical) to 5'),
          limit: z
            .number()
            .int()
            .min(1)
            .max(MAX_INCIDENTS)
            .optional()
            .describe(
              `How many to list, at most ${MAX_INCIDENTS} (default 20)`,
            ),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          totalCount: z.number(),
          items: z.array(incidentSchema(z)),
        }),
    },
    action: async ({ input, credentials }) =>
      auditedAction(
        auditor,
        {
          eventId: 'incidents-read',
          credentials,
          meta: { entityRef: input.entityRef, queryType: 'open' },
        },
        async () => {
          await access.requireFor(credentials, 'incidents');
          const { entityRef } = await itopsEntity(
            store,
            entityRefInput(input.entityRef),
          );
          const page = await store.listIncidents(entityRef, {
            state: 'open',
            priorities: input.priorities,
            limit: input.limit ?? 20,
            offset: 0,
            sort: '-opened_at',
          });
          return {
            output: {
              entityRef,
              totalCount: page.totalCount,
              items: page.items,
            },
          };
        },
      ),
  });

  actionsRegistry.register({
    name: 'get-incident-kpis',
    title: 'Incident KPIs',
    description: `Incident KPIs of a catalog entity or team over a window (default the last ${options.kpiWindowDays} days): mean time to resolve (mttr), acknowledge (mtta), detect (mttd), between failures (mtbf), in milliseconds with the number of incidents each is taken over, and incidents opened per priority. Needs the itops.incident.read permission.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefSchema(z, 'The catalog entity or team (group)'),
          from: instantSchema(z, 'Window start, ISO 8601').optional(),
          to: instantSchema(
            z,
            'Window end, ISO 8601; defaults to now',
          ).optional(),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          window: windowSchema(z),
          mttr: durationSchema(z),
          mtta: durationSchema(z),
          mttd: durationSchema(z),
          mtbf: durationSchema(z),
          openedCount: z.number(),
          openedByPriority: statusCountsSchema(z),
        }),
    },
    action: async ({ input, credentials }) =>
      auditedAction(
        auditor,
        {
          eventId: 'incident-kpis-read',
          credentials,
          meta: { entityRef: input.entityRef, from: input.from, to: input.to },
        },
        async () => {
          await access.requireFor(credentials, 'incidents');
          const { entityRef } = await itopsEntity(
            store,
            entityRefInput(input.entityRef),
          );
          const to = instantOf(input.to) ?? store.now();
          const from =
            instantOf(input.from) ?? to - options.kpiWindowDays * DAY_MS;
          if (to <= from) {
            throw new InputError(`Input 'to' must be after 'from'`);
          }
          if (to - from > KPI_MAX_DAYS * DAY_MS) {
            throw new InputError(
              `Inputs 'from' and 'to' span more than ${KPI_MAX_DAYS} days`,
            );
          }
          const result = await kpis.incidents(entityRef, { from, to });
          return {
            output: {
              entityRef,
              window: {
                from: new Date(from).toISOString(),
                to: new Date(to).toISOString(),
              },
              ...result,
            },
          };
        },
      ),
  });
}
