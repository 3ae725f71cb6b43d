import type {
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
import { FeedTokenStore } from './feedTokens';
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
  catalog: typeof catalogServiceRef.T;
  scheduler: SchedulerService;
  logger: LoggerService;
}): {
  routeOptions: Omit<CalendarRouteOptions, 'store' | 'access'>;
  start(): Promise<void>;
} {
  const { knex, config, httpAuth } = options;
  return {
    routeOptions: {
      calendar: new CalendarService({
        knex,
        freezeWindows: readConfiguredFreezeWindows(config),
      }),
      feedTokens: new FeedTokenStore(knex),
      httpAuth,
    },
    start: () => scheduleCatalogGraphRefresh(options),
  };
}
