import type {
  AuditorService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
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
import { audited } from '../service/audited';
import type { FeedTokenRefusal, FeedTokenStore } from './feedTokens';
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
  auditor: AuditorService;
}

const REFUSALS: Record<FeedTokenRefusal, string> = {
  unknown: 'Invalid or revoked calendar feed token',
  expired: 'Calendar feed token expired; create a new one in Backstage',
  'owner-gone':
    'Calendar feed token revoked: its owner is no longer in the catalog',
};

export interface FilterQuery {
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
export async function filtersOf(
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
  const { calendar, store, access, httpAuth, feedTokens, auditor } = options;

  /**
   * The signed-in user, who must still hold the calendar permission. A
   * user who has lost it loses their feed tokens the next time they come:
   * the feed itself cannot ask the permission framework about a user who
   * sent no Backstage token (see SECURITY.md).
   */
  const tokenOwner = async (req: Parameters<typeof access.require>[0]) => {
    const { principal } = await httpAuth.credentials(req, { allow: ['user'] });
    try {
      await access.require(req, 'changes');
    } catch (error) {
      await feedTokens.revokeAll(principal.userEntityRef);
      throw error;
    }
    return principal.userEntityRef;
  };

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
    const userRef = await tokenOwner(req);
    res.json({ items: await feedTokens.list(userRef) });
  });

  router.post('/calendar/feed-tokens', async (req, res) => {
    const userRef = await tokenOwner(req);
    const name = req.body.name ?? 'Calendar feed';
    const created = await audited(
      auditor,
      req,
      {
        eventId: 'calendar-feed-token-create',
        severityLevel: 'medium',
        meta: { owner: userRef, name },
      },
      () => feedTokens.create(userRef, name),
    );
    res.status(201).json(created);
  });

  router.post('/calendar/feed-tokens/:id/rotate', async (req, res) => {
    const userRef = await tokenOwner(req);
    // Validated by the OpenAPI router: a positive integer.
    const { id } = req.params;
    const rotated = await audited(
      auditor,
      req,
      {
        eventId: 'calendar-feed-token-rotate',
        severityLevel: 'medium',
        meta: { owner: userRef, tokenId: String(id) },
      },
      async () => {
        const created = await feedTokens.rotate(userRef, id);
        if (!created) throw new NotFoundError(`No calendar feed token ${id}`);
        return created;
      },
    );
    res.status(201).json(rotated);
  });

  router.delete('/calendar/feed-tokens/:id', async (req, res) => {
    // Revoking needs no permission: a user who lost it may still tidy up.
    const { principal } = await httpAuth.credentials(req, { allow: ['user'] });
    // Validated by the OpenAPI router: a positive integer.
    const { id } = req.params;
    await audited(
      auditor,
      req,
      {
        eventId: 'calendar-feed-token-revoke',
        severityLevel: 'medium',
        meta: { owner: principal.userEntityRef, tokenId: String(id) },
      },
      async () => {
        if (!(await feedTokens.revoke(principal.userEntityRef, id))) {
          throw new NotFoundError(`No calendar feed token ${id}`);
        }
      },
    );
    res.status(204).end();
  });

  router.get(FEED_PATH, async (req, res) => {
    // The feed path is open (see plugin.ts): calendar clients cannot send a
    // Backstage token, so a feed token in the URL stands in for it.
    if (req.query.token !== undefined) {
      const check = await feedTokens.verify(req.query.token);
      if (!check.ok) {
        throw new AuthenticationError(REFUSALS[check.reason]);
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
