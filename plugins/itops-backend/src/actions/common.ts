import type {
  AuditorService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import type {
  ActionsRegistryActionOptions,
  ActionsRegistryService,
} from '@backstage/backend-plugin-api/alpha';
import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CalendarService } from '../calendar/CalendarService';
import type { ComplianceReader } from '../compliance/reader';
import type { KpiCalculator } from '../kpis/KpiCalculator';
import type { ItopsReadStore } from '../read/ItopsReadStore';
import type { AreaAccess } from '../service/access';

/** What the actions read through: the services behind the REST routes. */
export interface ItopsActionsOptions {
  actionsRegistry: ActionsRegistryService;
  auditor: AuditorService;
  access: AreaAccess;
  store: ItopsReadStore;
  kpis: KpiCalculator;
  calendar: CalendarService;
  compliance: ComplianceReader;
  /** Default KPI window, `itops.kpis.windowDays`. */
  kpiWindowDays: number;
}

/** The zod the actions registry hands to schema factories. */
export type Zod = Parameters<
  ActionsRegistryActionOptions<any, any>['schema']['input']
>[0];

/** `entityRef` input: a full or short catalog entity ref. */
export const entityRefSchema = (z: Zod, what = 'The catalog entity') =>
  z
    .string()
    .min(1)
    .max(400)
    .describe(
      `${what}, as an entity ref such as component:default/payments-api (the namespace defaults to "default")`,
    );

/** A point in time as ISO 8601 with an offset, e.g. 2026-12-01T09:00:00Z. */
export const instantSchema = (z: Zod, description: string) =>
  z.string().datetime({ offset: true }).describe(description);

const VALIDATORS = makeValidator();

/**
 * The canonical ref of an `entityRef` input (kind lower-case); InputError naming the field
 * when it is no entity ref by the catalog's rules.
 */
export function entityRefInput(value: string, field = 'entityRef'): string {
  let parsed;
  try {
    parsed = parseEntityRef(value);
  } catch (error) {
    throw new InputError(
      `Input '${field}' is not an entity ref (kind:namespace/name): ${JSON.stringify(
        value.slice(0, 100),
      )}`,
    );
  }
  const invalid = (
    [
      ['kind', parsed.kind, VALIDATORS.isValidKind],
      ['namespace', parsed.namespace, VALIDATORS.isValidNamespace],
      ['name', parsed.name, VALIDATORS.isValidEntityName],
    ] as const
  ).find(([, part, valid]) => !valid(part));
  if (invalid) {
    throw new InputError(
      `Input '${field}' has an invalid ${invalid[0]}: ${JSON.stringify(
        invalid[1].slice(0, 100),
      )}`,
    );
  }
  // Kinds are case-insensitive; ITOps and its compliance results store
  // them lower-case, as the REST routes look them up.
  return stringifyEntityRef({
    ...parsed,
    kind: parsed.kind.toLocaleLowerCase('en-US'),
  });
}

/** The entity as ITOps knows it; NotFoundError like the entity routes. */
export async function itopsEntity(store: ItopsReadStore, entityRef: string) {
  const entity = await store.findEntity(entityRef);
  if (!entity) {
    throw new NotFoundError(`No ITOps data for entity ${entityRef}`);
  }
  return entity;
}

/** Epoch ms of an instant input (already checked by the schema). */
export function instantOf(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Date.parse(value);
}

function actorOf(credentials: BackstageCredentials): string {
  const { principal } = credentials as BackstageCredentials<any>;
  if (principal?.type === 'user') return principal.userEntityRef;
  if (principal?.type === 'service') return principal.subject;
  return 'none';
}

/**
 * Runs an action as one auditor event. Actions have no request for the
 * auditor to take the actor from, so the actor goes into the metadata;
 * the event records success or the error (a denial included).
 */
export async function auditedAction<T>(
  auditor: AuditorService,
  event: {
    eventId: string;
    credentials: BackstageCredentials;
    meta: Record<string, string | undefined>;
  },
  action: () => Promise<T>,
): Promise<T> {
  const meta = Object.fromEntries(
    Object.entries({
      ...event.meta,
      actor: actorOf(event.credentials),
      via: 'actions',
    }).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
  const audit = await auditor.createEvent({
    eventId: event.eventId,
    severityLevel: 'low',
    meta,
  });
  try {
    const result = await action();
    await audit.success();
    return result;
  } catch (error) {
    await audit.fail({ error: error as Error });
    throw error;
  }
}
