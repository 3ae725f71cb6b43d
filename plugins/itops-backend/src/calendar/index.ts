import type {
  AuditorService,
  AuthService,
  HttpAuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { catalogServiceRef } from '@backstage/plugin-catalog-node';
import type { Knex } from 'knex';
import { CalendarService } from './CalendarService';
import { scheduleCatalogGraphRefresh } from './catalogGraph';
import { DEFAULT_FEED_TOKEN_MAX_AGE_DAYS, FeedTokenStore } from './feedTokens';
import { readConfiguredFreezeWindows } from './freezeConfig';
import type { CalendarRouteOptions } from './routes';

export { FEED_PATH } from './routes';
export { CalendarService } from './CalendarService';

/**
 * The change calendar's parts as the plugin wires them: the routes' options,
 * and `start()` scheduling the refresh of the catalog relations and tags
 * that conflict detection and freeze scopes read. Reading
 * `itops.freezeWindows` here makes a malformed entry fail start-up.
 */
export function createChangeCalendar(options: {
  knex: Knex;
  config: Config;
  httpAuth: HttpAuthService;
  auth: AuthService;
  auditor: AuditorService;
  catalog: typeof catalogServiceRef.T;
  scheduler: SchedulerService;
  logger: LoggerService;
}): {
  routeOptions: Omit<CalendarRouteOptions, 'store' | 'access'>;
  start(): Promise<void>;
} {
  const { knex, config, httpAuth, auth, catalog, auditor } = options;
  return {
    routeOptions: {
      calendar: new CalendarService({
        knex,
        freezeWindows: readConfiguredFreezeWindows(config),
      }),
      feedTokens: new FeedTokenStore(knex, {
        maxAgeDays: readFeedTokenMaxAgeDays(config),
        // A token dies with its owner: people who leave keep no feed.
        userExists: async userRef =>
          Boolean(
            await catalog.getEntityByRef(userRef, {
              credentials: await auth.getOwnServiceCredentials(),
            }),
          ),
      }),
      httpAuth,
      auditor,
    },
    start: () => scheduleCatalogGraphRefresh(options),
  };
}

/** Longest lifetime a feed token may be given: a year. */
const MAX_FEED_TOKEN_AGE_DAYS = 366;

function readFeedTokenMaxAgeDays(config: Config): number {
  const key = 'itops.calendar.feedTokens.maxAgeDays';
  const days = config.getOptionalNumber(key) ?? DEFAULT_FEED_TOKEN_MAX_AGE_DAYS;
  if (!(days > 0 && days <= MAX_FEED_TOKEN_AGE_DAYS)) {
    throw new Error(
      `Invalid config: '${key}' must be more than 0 and at most ${MAX_FEED_TOKEN_AGE_DAYS} days, got ${days}`,
    );
  }
  return days;
}
