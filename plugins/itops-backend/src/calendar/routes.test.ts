import {
  mockCredentials,
  mockServices,
  startTestBackend,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import ICAL from 'ical.js';
import type { Knex } from 'knex';
import request from 'supertest';
import { itopsPlugin } from '../plugin';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  API,
  CATALOG,
  DB,
  FREEZE_CONFIG,
  PAYMENTS_TEAM,
  seedCalendarWorld,
} from './__testUtils__/calendarWorld';

jest.setTimeout(60_000);

const query = (params: Record<string, string>) =>
  new URLSearchParams(params).toString();
const DECEMBER = query({
  from: '2026-12-01T00:00:00Z',
  to: '2027-01-01T00:00:00Z',
});

describe('change calendar API', () => {
  const databases = createTestDatabases();

  async function start(
    databaseId: TestDatabaseId,
    options: { deny?: string[]; knex?: Knex } = {},
  ) {
    // A second backend on the same database, as after a restart.
    const knex = options.knex ?? (await databases.init(databaseId));
    const ids = options.knex
      ? undefined
      : await seedCalendarWorld(await ItopsFixtures.create(knex));
    // The plugin's own refresh must bring the relations back from the catalog.
    await knex('itops_entity_relations').delete();
    const deny = options.deny ?? [];
    const { server } = await startTestBackend({
      features: [
        itopsPlugin,
        mockServices.database.factory({ knex }),
        // Requests without a token are anonymous, as in production (the
        // mock's default is a signed-in user).
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: { itops: { freezeWindows: FREEZE_CONFIG } },
        }),
        mockServices.scheduler.factory({
          includeInitialDelayedTasksOnStartup: true,
        }),
        catalogServiceMock.factory({
          entities: [
            ...CATALOG,
            // The mock user owns feed tokens; user:default/other is no entity.
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'User',
              metadata: { name: 'mock', namespace: 'default' },
              spec: { memberOf: [] },
            },
          ],
        }),
        mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(({ permission }) => ({
              result: deny.includes(permission.name)
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
            })),
        }).factory,
      ],
    });
    const as = (header?: string) => ({
      get: (path: string) => {
        const r = request(server).get(path);
        return header ? r.set('Authorization', header) : r;
      },
      post: (path: string, body: object) => {
        const r = request(server).post(path).send(body);
        return header ? r.set('Authorization', header) : r;
      },
      delete: (path: string) => {
        const r = request(server).delete(path);
        return header ? r.set('Authorization', header) : r;
      },
    });
    return {
      ids: ids!,
      knex,
      user: as(mockCredentials.user.header()),
      other: as(mockCredentials.user.header('user:default/other')),
      anonymous: as(),
    };
  }

  it.each(databases.eachSupportedId())(
    'serves filtered pages, days, details and freeze status on %p',
    async databaseId => {
      const { user, ids } = await start(databaseId);

      const page = await user.get(
        `/api/itops/changes?${DECEMBER}&${query({
          owner: PAYMENTS_TEAM,
          type: 'normal,emergency',
          limit: '3',
        })}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.totalCount).toBe(6);
      expect(page.body.items.map((c: { number: string }) => c.number)).toEqual([
        'CHG6',
        'CHG1',
        'CHG2',
      ]);

      const days = await user.get(
        `/api/itops/calendar/days?${DECEMBER}&${query({
          timeZone: 'Europe/Berlin',
          perDay: '1',
          q: 'CHG',
        })}`,
      );
      expect(days.status).toBe(200);
      expect(days.body.days[0]).toMatchObject({ date: '2026-12-01', total: 6 });
      expect(days.body.days[0].items).toHaveLength(1);

      // Conflicts along catalog relations, which the plugin read itself.
      const detail = await user.get(`/api/itops/calendar/changes/${ids.CHG1}`);
      expect(detail.status).toBe(200);
      expect(
        detail.body.conflicts.map(
          (c: { number: string; otherEntityRef: string }) => [
            c.number,
            c.otherEntityRef,
          ],
        ),
      ).toEqual([
        ['CHG6', DB],
        ['CHG2', DB],
        ['CHG4', API],
      ]);

      const freezes = await user.get(`/api/itops/freeze-windows?${DECEMBER}`);
      expect(freezes.status).toBe(200);
      expect(freezes.body.items[0]).toMatchObject({
        name: 'Payments blackout',
        global: false,
        entityRefs: expect.arrayContaining([API]),
      });
      expect(freezes.body.items).toContainEqual(
        expect.objectContaining({
          name: 'Christmas',
          sourceType: 'config',
          global: true,
          start: '2026-12-23T23:00:00.000Z',
          timeZone: 'Europe/Berlin',
        }),
      );

      const status = await user.get(
        `/api/itops/freeze-status?${query({
          entityRef: API,
          at: '2026-12-01T09:00:00Z',
          end: '2026-12-01T10:00:00Z',
        })}`,
      );
      expect(status.status).toBe(200);
      expect(status.body).toMatchObject({
        entityRef: API,
        at: '2026-12-01T09:00:00.000Z',
        end: '2026-12-01T10:00:00.000Z',
        frozen: true,
        windows: [expect.objectContaining({ name: 'Payments blackout' })],
      });
      const free = await user.get(
        `/api/itops/freeze-status?${query({
          entityRef: DB,
          at: '2026-12-02T09:00:00Z',
        })}`,
      );
      expect(free.body).toMatchObject({ frozen: false, windows: [] });
    },
  );

  it('rejects bad parameters with 400 naming them, and unknown things with 404', async () => {
    const { user } = await start('SQLITE_3');
    const bad: Array<[string, RegExp]> = [
      [`/api/itops/calendar/days?${DECEMBER}&timeZone=Mars%2FBase`, /timeZone/],
      [`/api/itops/calendar/days?${DECEMBER}&perDay=99`, /perDay/],
      [`/api/itops/changes?${DECEMBER}&risk=extreme`, /risk/],
      [`/api/itops/freeze-status`, /entityRef/],
      [
        `/api/itops/freeze-status?${query({ entityRef: API, at: 'noon' })}`,
        /at/,
      ],
      [
        `/api/itops/freeze-status?${query({
          entityRef: API,
          at: '2026-12-02T00:00:00Z',
          end: '2026-12-01T00:00:00Z',
        })}`,
        /'end' must be after 'at'/,
      ],
      [`/api/itops/calendar/changes/abc`, /id/],
    ];
    for (const [path, message] of bad) {
      const response = await user.get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(response.body.error.message).toMatch(message);
    }
    for (const path of [
      `/api/itops/freeze-status?${query({
        entityRef: 'component:default/nope',
      })}`,
      `/api/itops/changes?${DECEMBER}&${query({
        entityRef: 'component:default/nope',
      })}`,
      `/api/itops/calendar/changes/999999`,
    ]) {
      expect((await user.get(path)).status).toBe(404);
    }
    // Owners without ITOps data match nothing rather than failing.
    const unknownOwner = await user.get(
      `/api/itops/changes?${DECEMBER}&${query({
        owner: 'group:default/nobody',
      })}`,
    );
    expect(unknownOwner.body.totalCount).toBe(0);
  });

  it('serves the iCalendar feed to revocable per-user tokens without a Backstage token', async () => {
    const { user, other, anonymous } = await start('SQLITE_3');

    expect(
      (await anonymous.get(`/api/itops/calendar.ics?${DECEMBER}`)).status,
    ).toBe(401);
    expect(
      (await anonymous.get(`/api/itops/calendar/days?${DECEMBER}`)).status,
    ).toBe(401);
    expect(
      (await anonymous.post('/api/itops/calendar/feed-tokens', {})).status,
    ).toBe(401);

    const created = await user.post('/api/itops/calendar/feed-tokens', {
      name: 'Outlook',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(Number),
      name: 'Outlook',
    });
    const token: string = created.body.token;

    const listed = await user.get('/api/itops/calendar/feed-tokens');
    expect(listed.body.items).toEqual([
      {
        id: created.body.id,
        name: 'Outlook',
        createdAt: expect.any(String),
        expiresAt: expect.any(String),
      },
    ]);
    // 90 days by default.
    expect(
      Date.parse(created.body.expiresAt) - Date.parse(created.body.createdAt),
    ).toBe(90 * 24 * 3600 * 1000);
    expect(
      (await other.get('/api/itops/calendar/feed-tokens')).body.items,
    ).toEqual([]);

    const feed = await anonymous.get(
      `/api/itops/calendar.ics?${DECEMBER}&${query({ token, entityRef: API })}`,
    );
    expect(feed.status).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^text\/calendar/);
    const events = new ICAL.Component(ICAL.parse(feed.text))
      .getAllSubcomponents('vevent')
      .map(e => String(e.getFirstPropertyValue('summary')));
    expect(events.filter(s => s.startsWith('CHG'))).toEqual([
      'CHG1 Change CHG1',
      'CHG9 Change CHG9',
      'CHG4 Change CHG4',
    ]);
    expect(
      (await user.get('/api/itops/calendar/feed-tokens')).body.items[0]
        .lastUsedAt,
    ).toEqual(expect.any(String));

    // The Backstage token works too.
    expect((await user.get(`/api/itops/calendar.ics?${DECEMBER}`)).status).toBe(
      200,
    );
    expect(
      (
        await anonymous.get(
          `/api/itops/calendar.ics?${query({ token: 'itopscal_forged' })}`,
        )
      ).status,
    ).toBe(401);

    // Only the owner can revoke; then the token stops working.
    expect(
      (await other.delete(`/api/itops/calendar/feed-tokens/${created.body.id}`))
        .status,
    ).toBe(404);
    expect(
      (await user.delete(`/api/itops/calendar/feed-tokens/${created.body.id}`))
        .status,
    ).toBe(204);
    expect(
      (await anonymous.get(`/api/itops/calendar.ics?${query({ token })}`))
        .status,
    ).toBe(401);
  });

  it('rotates a token: the new one works at once, the old one never again', async () => {
    const { user, anonymous } = await start('SQLITE_3');
    const created = await user.post('/api/itops/calendar/feed-tokens', {
      name: 'Phone',
    });
    const rotated = await user.post(
      `/api/itops/calendar/feed-tokens/${created.body.id}/rotate`,
      {},
    );
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ name: 'Phone' });
    expect(rotated.body.token).not.toBe(created.body.token);
    const feed = (token: string) =>
      anonymous.get(`/api/itops/calendar.ics?${query({ token })}`);
    expect((await feed(created.body.token)).status).toBe(401);
    expect((await feed(rotated.body.token)).status).toBe(200);
    expect(
      (await user.get('/api/itops/calendar/feed-tokens')).body.items.map(
        (t: { id: number }) => t.id,
      ),
    ).toEqual([rotated.body.id]);
    expect(
      (
        await user.post(
          `/api/itops/calendar/feed-tokens/${created.body.id}/rotate`,
          {},
        )
      ).status,
    ).toBe(404);
  });

  it('refuses the feed to a token whose owner has left the catalog, and deletes their tokens', async () => {
    // user:default/other is no entity of this catalog.
    const { other, anonymous } = await start('SQLITE_3');
    const created = await other.post('/api/itops/calendar/feed-tokens', {});
    expect(created.status).toBe(201);
    const feed = await anonymous.get(
      `/api/itops/calendar.ics?${query({ token: created.body.token })}`,
    );
    expect(feed.status).toBe(401);
    expect(feed.body.error.message).toMatch(/no longer in the catalog/);
    expect(
      (await other.get('/api/itops/calendar/feed-tokens')).body.items,
    ).toEqual([]);
  });

  it('revokes the tokens of a user found without itops.change.read', async () => {
    const allowed = await start('SQLITE_3');
    const created = await allowed.user.post(
      '/api/itops/calendar/feed-tokens',
      {},
    );
    const { knex } = allowed;
    const denied = await start('SQLITE_3', {
      deny: ['itops.change.read'],
      knex,
    });
    expect(
      (await denied.user.get('/api/itops/calendar/feed-tokens')).status,
    ).toBe(403);
    expect(
      (
        await denied.anonymous.get(
          `/api/itops/calendar.ics?${query({ token: created.body.token })}`,
        )
      ).status,
    ).toBe(401);
    // Revoking needs no permission.
    expect(
      (
        await denied.user.delete(
          `/api/itops/calendar/feed-tokens/${created.body.id}`,
        )
      ).status,
    ).toBe(404);
  });

  it('needs itops.change.read', async () => {
    const { user } = await start('SQLITE_3', { deny: ['itops.change.read'] });
    for (const path of [
      `/api/itops/changes?${DECEMBER}`,
      `/api/itops/calendar/days?${DECEMBER}`,
      `/api/itops/freeze-windows?${DECEMBER}`,
      `/api/itops/freeze-status?${query({ entityRef: API })}`,
      `/api/itops/calendar.ics`,
    ]) {
      expect({ path, status: (await user.get(path)).status }).toEqual({
        path,
        status: 403,
      });
    }
    expect(
      (await user.post('/api/itops/calendar/feed-tokens', {})).status,
    ).toBe(403);
  });
});
