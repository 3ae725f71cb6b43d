import type { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import type { ItopsReadStore } from '../read/ItopsReadStore';
import type { CalendarFilters } from '../read/changes';
import type { TimeRange } from '../read/records';
import type { ApiRouter } from '@backstage/backend-openapi-utils';
import type { spec } from '../schema/openapi';
import type { AreaAccess } from '../service/access';
import { DAY_MS, rangeOf } from '../service/params';
import type { CalendarService } from './CalendarService';
import type { FeedTokenStore } from './feedTokens';
import { DateTime } from 'luxon';

type Router = ApiRouter<typeof spec>;

/** Longest range of a calendar request: a quarter. */
export const CALENDAR_MAX_DAYS = 92;
/** Longest range of a feed or freeze request: a year. */
const FEED_MAX_DAYS = 366;
/** The path the iCalendar feed is served at, open to feed tokens. */
export const FEED_PATH = '/calendar.ics';

export interface CalendarRouteOptions {
  calendar: CalendarService;
  store: ItopsReadStore;
  access: AreaAccess;
  httpAuth: HttpAuthService;
  feedTokens: FeedTokenStore;
}

interface FilterQuery {
  entityRef?: string[];
  owner?: string[];
  system?: string[];
  source?: string[];
  type?: CalendarFilters['types'];
  state?: CalendarFilters['states'];
  risk?: string[];
  q?: string;
}

/**
 * The calendar filters of a request. Entity refs must be known to ITOps
 * (404 otherwise, like the entity routes); owners and systems that are not
 * simply match nothing, so that a "my teams" default keeps working for a
 * user in a team without ITOps data.
 */
async function filtersOf(
  store: ItopsReadStore,
  query: FilterQuery,
): Promise<CalendarFilters> {
  const entityRefs = await Promise.all(
    (query.entityRef ?? []).map(async ref => {
      const entity = await store.findEntity(ref);
      if (!entity) throw new NotFoundError(`No ITOps data for entity ${ref}`);
      return entity.entityRef;
    }),
  );
  const known = async (refs: string[] | undefined) =>
    (
      await Promise.all(
        (refs ?? []).map(async ref => (await store.findEntity(ref))?.entityRef),
      )
    ).filter((ref): ref is string => Boolean(ref));
  // A filter whose refs are all unknown must match nothing, not everything.
  const unknownMarker = ['\u0000unknown'];
  const owners = await known(query.owner);
  const systems = await known(query.system);
  return {
    entityRefs,
    owners: query.owner?.length && !owners.length ? unknownMarker : owners,
    systems: query.system?.length && !systems.length ? unknownMarker : systems,
    sources: query.source,
    types: query.type,
    states: query.state,
    risks: query.risk,
    search: query.q,
  };
}

function isValidZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

/** Registers the change calendar's routes on the ITOps router. */
export function registerCalendarRoutes(
  router: Router,
  options: CalendarRouteOptions,
): void {
  const { calendar, store, access, httpAuth, feedTokens } = options;

  const calendarRange = (query: { from?: string; to?: string }): TimeRange => {
    const now = calendar.now();
    return rangeOf(query, {
      fallback: { from: now - 30 * DAY_MS, to: now + 30 * DAY_MS },
      maxDays: CALENDAR_MAX_DAYS,
    });
  };

  router.get('/changes', async (req, res) => {
    await access.require(req, 'changes');
    res.json(
      await calendar.listChanges({
        ...calendarRange(req.query),
        ...(await filtersOf(store, req.query)),
        limit: req.query.limit ?? 100,
        offset: req.query.offset ?? 0,
      }),
    );
  });

  router.get('/calendar/days', async (req, res) => {
    await access.require(req, 'changes');
    const timeZone = req.query.timeZone ?? 'UTC';
    if (!isValidZone(timeZone)) {
      throw new InputError(
        `Query parameter 'timeZone' is not a known IANA time zone: ${timeZone}`,
      );
    }
    res.json(
      await calendar.changesByDay({
        ...calendarRange(req.query),
        ...(await filtersOf(store, req.query)),
        timeZone,
        perDay: req.query.perDay ?? 4,
      }),
    );
  });

  router.get('/calendar/changes/:id', async (req, res) => {
    await access.require(req, 'changes');
    const detail = await calendar.changeDetail(Number(req.params.id));
    if (!detail) {
      throw new NotFoundError(`No change with id ${req.params.id}`);
    }
    res.json(detail);
  });

  router.get('/freeze-windows', async (req, res) => {
    await access.require(req, 'changes');
    const now = calendar.now();
    const range = rangeOf(req.query, {
      fallback: { from: now - 30 * DAY_MS, to: now + 30 * DAY_MS },
      maxDays: FEED_MAX_DAYS,
    });
    res.json({ items: await calendar.freezeWindows(range) });
  });

  router.get('/freeze-status', async (req, res) => {
    await access.require(req, 'changes');
    const entity = await store.findEntity(req.query.entityRef);
    if (!entity) {
      throw new NotFoundError(
        `No ITOps data for entity ${req.query.entityRef}`,
      );
    }
    const at = req.query.at ? Date.parse(req.query.at) : calendar.now();
    const end = req.query.end ? Date.parse(req.query.end) : undefined;
    if (end !== undefined && end <= at) {
      throw new InputError(`Query parameter 'end' must be after 'at'`);
    }
    if (end !== undefined && end - at > FEED_MAX_DAYS * DAY_MS) {
      throw new InputError(
        `Query parameters 'at' and 'end' span more than ${FEED_MAX_DAYS} days`,
      );
    }
    res.json(await calendar.freezeStatus(entity.entityRef, at, end));
  });

  router.get('/calendar/feed-tokens', async (req, res) => {
    const { principal } = await httpAuth.credentials(req, { allow: ['user'] });
    res.json({ items: await feedTokens.list(principal.userEntityRef) });
  });

  router.post('/calendar/feed-tokens', async (req, res) => {
    const { principal } = await httpAuth.credentials(req, { allow: ['user'] });
    // A token only reads what its owner could read when it was created.
    await access.require(req, 'changes');
    const created = await feedTokens.create(
      principal.userEntityRef,
      req.body.name ?? 'Calendar feed',
    );
    res.status(201).json(created);
  });

  router.delete('/calendar/feed-tokens/:id', async (req, res) => {
    const { principal } = await httpAuth.credentials(req, { allow: ['user'] });
    const revoked = await feedTokens.revoke(
      principal.userEntityRef,
      Number(req.params.id),
    );
    if (!revoked) {
      throw new NotFoundError(`No calendar feed token ${req.params.id}`);
    }
    res.status(204).end();
  });

  router.get(FEED_PATH, async (req, res) => {
    // The feed path is open (see plugin.ts): calendar clients cannot send a
    // Backstage token, so a feed token in the URL stands in for it.
    if (req.query.token !== undefined) {
      const userRef = await feedTokens.verify(req.query.token);
      if (!userRef) {
        throw new AuthenticationError('Invalid or revoked calendar feed token');
      }
    } else {
      await httpAuth.credentials(req, { allow: ['user', 'service'] });
      await access.require(req, 'changes');
    }
    const now = calendar.now();
    const range = rangeOf(req.query, {
      fallback: { from: now - 14 * DAY_MS, to: now + 90 * DAY_MS },
      maxDays: FEED_MAX_DAYS,
    });
    const body = await calendar.feed({
      ...range,
      ...(await filtersOf(store, req.query)),
      name: req.query.name ?? 'ITOps changes',
    });
    res
      .status(200)
      .type('text/calendar; charset=utf-8')
      .set('Cache-Control', 'private, max-age=300')
      .send(body);
  });
}
