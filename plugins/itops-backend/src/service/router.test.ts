import type { MappingKey } from '@backstage-itops/plugin-itops-common';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import request from 'supertest';
import {
  backupJobTable,
  backupRunTable,
  changeTable,
  freezeWindowTable,
  incidentTable,
  onCallTable,
} from '../database/recordTables';
import { KpiCalculator } from '../kpis/KpiCalculator';
import { itopsPlugin } from '../plugin';
import { EntityRollups } from '../rollups/EntityRollups';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(60_000);

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const REF = 'component:default/payments';
const BASE = '/api/itops/entities/component/default/payments';
const payments: MappingKey = { type: 'servicenow-service', value: 'payments' };

/** Times relative to the real clock, which the plugin reads. */
const now = Date.now();
const at = (ms: number) => new Date(now + ms).toISOString();
/** A query string; the API wants reserved characters (`:`) encoded. */
const query = (params: Record<string, string>) =>
  new URLSearchParams(params).toString();
const JAN_1 = '2026-01-01T00:00:00Z';

async function seed(fixtures: ItopsFixtures) {
  await fixtures.entity(REF, [payments]);
  const incident = (
    number: string,
    priority: 1 | 2 | 3,
    openedAgo: number,
    resolvedAfter?: number,
  ) =>
    fixtures.record(incidentTable, {
      number,
      title: `Incident ${number}`,
      state: resolvedAfter === undefined ? 'in_progress' : 'resolved',
      priority,
      openedAt: at(-openedAgo),
      resolvedAt:
        resolvedAfter === undefined
          ? undefined
          : at(-openedAgo + resolvedAfter),
      keys: [payments],
    });
  await incident('INC1', 1, 1 * HOUR);
  await incident('INC2', 2, 2 * DAY);
  await incident('INC3', 2, 3 * DAY);
  await incident('INC4', 3, 4 * DAY, 2 * HOUR);
  await incident('INC5', 1, 100 * DAY, 4 * HOUR);

  await fixtures.record(changeTable, {
    number: 'CHG1',
    title: 'Upgrade database',
    type: 'normal',
    state: 'scheduled',
    plannedStart: at(2 * DAY),
    plannedEnd: at(2 * DAY + HOUR),
    keys: [payments],
  });
  await fixtures.record(changeTable, {
    number: 'CHG0',
    title: 'Rotate certificates',
    type: 'standard',
    state: 'closed',
    outcome: 'successful',
    plannedStart: at(-3 * DAY),
    plannedEnd: at(-3 * DAY + HOUR),
    actualEnd: at(-3 * DAY + HOUR),
    keys: [payments],
  });
  await fixtures.record(freezeWindowTable, {
    name: 'Black Friday',
    start: at(-DAY),
    end: at(DAY),
  });
  await fixtures.record(onCallTable, {
    scheduleName: 'payments',
    groupName: 'Payments',
    personName: 'Ada',
    start: at(-HOUR),
    end: at(HOUR),
    escalationLevel: 1,
    keys: [payments],
  });
  await fixtures.record(onCallTable, {
    scheduleName: 'payments',
    groupName: 'Payments',
    personName: 'Bob',
    start: at(HOUR),
    end: at(9 * HOUR),
    escalationLevel: 1,
    keys: [payments],
  });
  await fixtures.record(backupJobTable, {
    externalId: 'job-1',
    recordType: 'backup-job',
    name: 'payments-db',
    objects: ['db-1'],
    lastResult: 'success',
    keys: [payments],
  });
  await fixtures.record(backupRunTable, {
    recordType: 'backup-run',
    jobExternalId: 'job-1',
    jobName: 'payments-db',
    kind: 'backup',
    result: 'success',
    startedAt: at(-2 * HOUR),
    endedAt: at(-HOUR),
  });
}

describe('ITOps read API', () => {
  const databases = createTestDatabases();

  async function start(
    databaseId: TestDatabaseId,
    options: { deny?: string[]; freezeWindows?: object[] } = {},
  ) {
    const knex = await databases.init(databaseId);
    await seed(await ItopsFixtures.create(knex));
    const deny = options.deny ?? [];
    const permissions = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(({ permission }) => ({
          result: deny.includes(permission.name)
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
        })),
    });
    const { server } = await startTestBackend({
      features: [
        itopsPlugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            itops: {
              kpis: { windowDays: 30 },
              freezeWindows: options.freezeWindows ?? [],
            },
          },
        }),
        // Keeps the entity mapper from replacing the fixture's entities.
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        catalogServiceMock.factory(),
        permissions.factory,
      ],
    });
    const get = (path: string) =>
      request(server)
        .get(path)
        .set('Authorization', mockCredentials.user.header());
    return { get, permissions, knex };
  }

  /** Computes the rollups the plugin's refresher would, for the test's config. */
  function refreshRollups(knex: Knex) {
    return EntityRollups.create({
      knex,
      kpis: KpiCalculator.create({ knex }),
      kpiWindowMs: 30 * DAY,
    }).refresh();
  }

  /** Drops what depends on the instant of the request: the window and ages. */
  function withoutAges(body: unknown): unknown {
    return JSON.parse(JSON.stringify(body), (key, value) =>
      key === 'window' || key.endsWith('AgeMs') || key === 'ageMs'
        ? undefined
        : value,
    );
  }

  it.each(databases.eachSupportedId())(
    'serves the entity summary on %p',
    async databaseId => {
      const { get } = await start(databaseId);
      const response = await get(`${BASE}/summary`);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        entity: { entityRef: REF, kind: 'component' },
        oncall: {
          forbidden: false,
          available: true,
          now: [expect.objectContaining({ personName: 'Ada' })],
          next: [expect.objectContaining({ personName: 'Bob' })],
        },
        incidents: {
          forbidden: false,
          available: true,
          openCount: 3,
          openByPriority: { '1': 1, '2': 2, '3': 0, '4': 0, '5': 0 },
        },
        changes: {
          forbidden: false,
          available: true,
          nextChange: expect.objectContaining({ number: 'CHG1' }),
          freeze: {
            active: true,
            windows: [{ name: 'Black Friday', end: at(DAY) }],
          },
        },
        backups: {
          forbidden: false,
          available: true,
          health: expect.objectContaining({
            status: 'ok',
            jobCount: 1,
            lastResult: 'success',
            successRate30d: { value: 1, numerator: 1, denominator: 1 },
          }),
        },
        kpis: {
          window: { from: expect.any(String), to: expect.any(String) },
          // Only INC4 was resolved within the configured 30 days.
          mttr: { valueMs: 2 * HOUR, count: 1 },
          changeSuccessRate: { value: 1, numerator: 1, denominator: 1 },
        },
      });
      const { from, to } = response.body.kpis.window;
      expect(Date.parse(to) - Date.parse(from)).toBe(30 * DAY);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers the summary and KPIs from fresh rollups as the live queries do on %p',
    async databaseId => {
      const { get, knex } = await start(databaseId);
      let queries = 0;
      knex.on('query', () => {
        queries++;
      });
      const measured = async (path: string) => {
        queries = 0;
        const response = await get(path);
        expect(response.status).toBe(200);
        return { body: response.body, queries };
      };
      const live = {
        summary: await measured(`${BASE}/summary`),
        kpis: await measured(`${BASE}/kpis`),
      };

      expect(await refreshRollups(knex)).toBe(1);
      const rolledUp = {
        summary: await measured(`${BASE}/summary`),
        kpis: await measured(`${BASE}/kpis`),
      };

      expect(withoutAges(rolledUp.summary.body)).toEqual(
        withoutAges(live.summary.body),
      );
      expect(withoutAges(rolledUp.kpis.body)).toEqual(
        withoutAges(live.kpis.body),
      );
      const { from, to } = rolledUp.kpis.body.window;
      expect(Date.parse(to) - Date.parse(from)).toBe(30 * DAY);
      expect(rolledUp.summary.body.kpis.window).toEqual(
        rolledUp.kpis.body.window,
      );
      // No aggregate ran: the rollup replaced them.
      expect(rolledUp.summary.queries).toBeLessThan(live.summary.queries);
      expect(rolledUp.kpis.queries).toBeLessThan(live.kpis.queries);

      // A record written since makes the answer live again.
      await (
        await ItopsFixtures.create(knex)
      ).record(incidentTable, {
        externalId: 'incident-6',
        number: 'INC6',
        title: 'Incident INC6',
        state: 'new',
        priority: 3,
        openedAt: at(-HOUR),
        keys: [payments],
      });
      const after = await get(`${BASE}/summary`);
      expect(after.body.incidents.openByPriority['3']).toBe(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'resolves entity refs case-insensitively for the summary and KPIs on %p',
    async databaseId => {
      const { get, knex } = await start(databaseId);
      await refreshRollups(knex);
      const path = '/api/itops/entities/Component/default/Payments';

      const summary = await get(`${path}/summary`);
      expect(summary.status).toBe(200);
      expect(summary.body.entity.entityRef).toBe(REF);
      expect(summary.body.incidents.openCount).toBe(3);
      const kpis = await get(`${path}/kpis`);
      expect(kpis.status).toBe(200);
      expect(kpis.body.incidents.mttr.count).toBe(1);
      expect(
        (await get('/api/itops/entities/component/default/nope/kpis')).status,
      ).toBe(404);
    },
  );

  it.each(databases.eachSupportedId())(
    'marks denied areas of rolled-up answers too on %p',
    async databaseId => {
      const { get, knex } = await start(databaseId, {
        deny: ['itops.incident.read', 'itops.backup.read'],
      });
      await refreshRollups(knex);

      const summary = await get(`${BASE}/summary`);
      expect(summary.body.incidents).toEqual({ forbidden: true });
      expect(summary.body.backups).toEqual({ forbidden: true });
      expect(summary.body.kpis.mttr).toEqual({ forbidden: true });
      expect(summary.body.kpis.changeSuccessRate.value).toBe(1);
      const kpis = await get(`${BASE}/kpis`);
      expect(kpis.body.incidents).toEqual({ forbidden: true });
      expect(kpis.body.backups).toEqual({ forbidden: true });
      expect(kpis.body.changes.successRate.value).toBe(1);
      expect(JSON.stringify([summary.body, kpis.body])).not.toMatch(
        /INC\d|mttr":\{"valueMs/,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'filters, sorts and pages incidents on %p',
    async databaseId => {
      const { get } = await start(databaseId);
      const numbers = (body: { items: { number: string }[] }) =>
        body.items.map(i => i.number);

      const open = await get(`${BASE}/incidents`);
      expect(open.status).toBe(200);
      expect(numbers(open.body)).toEqual(['INC1', 'INC2', 'INC3']);
      expect(open.body).toMatchObject({ totalCount: 3, limit: 50, offset: 0 });

      const page = await get(
        `${BASE}/incidents?state=all&priority=1,2&sort=priority&limit=2&offset=1`,
      );
      expect(page.status).toBe(200);
      // Priority 1 newest first (INC1, INC5), then priority 2 (INC2, INC3).
      expect(numbers(page.body)).toEqual(['INC5', 'INC2']);
      expect(page.body).toMatchObject({ totalCount: 4, limit: 2, offset: 1 });

      const closed = await get(
        `${BASE}/incidents?${query({
          state: 'closed',
          sort: 'opened_at',
          from: at(-200 * DAY),
          to: at(-3 * DAY),
        })}`,
      );
      expect(numbers(closed.body)).toEqual(['INC5', 'INC4']);
      expect(closed.body.items[0]).toMatchObject({
        sourceType: 'servicenow',
        sourceInstance: 'production',
        priority: 1,
        state: 'resolved',
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'serves the other entity routes and the calendar on %p',
    async databaseId => {
      const { get } = await start(databaseId);

      const changes = await get(`${BASE}/changes`);
      expect(changes.status).toBe(200);
      expect(changes.body.items.map((c: any) => c.number)).toEqual([
        'CHG0',
        'CHG1',
      ]);

      const oncall = await get(`${BASE}/oncall`);
      expect(oncall.body.escalationLevels).toEqual([
        {
          escalationLevel: 1,
          now: [expect.objectContaining({ personName: 'Ada' })],
          next: [expect.objectContaining({ personName: 'Bob' })],
        },
      ]);

      const backups = await get(`${BASE}/backups`);
      expect(backups.body.jobs[0].recentRuns).toHaveLength(1);
      expect(backups.body.health).toMatchObject({
        status: 'ok',
        jobCount: 1,
        lastRunAt: expect.any(String),
      });

      const kpis = await get(`${BASE}/kpis`);
      expect(kpis.status).toBe(200);
      // Default window: the configured 30 days.
      expect(kpis.body.incidents.mttr).toEqual({
        valueMs: 2 * HOUR,
        count: 1,
      });
      expect(kpis.body.backups.successRate.value).toBe(1);

      const range = query({ from: at(0), to: at(7 * DAY) });
      const calendar = await get(
        `/api/itops/changes?${range}&${query({
          entityRef: REF,
        })}&type=normal,standard`,
      );
      expect(calendar.status).toBe(200);
      expect(calendar.body).toEqual({
        items: [expect.objectContaining({ number: 'CHG1', entityRefs: [REF] })],
        totalCount: 1,
        limit: 100,
        offset: 0,
      });

      const freezes = await get(`/api/itops/freeze-windows?${range}`);
      expect(freezes.body.items).toEqual([
        expect.objectContaining({ name: 'Black Friday', global: true }),
      ]);

      const sync = await get('/api/itops/sync-status');
      expect(sync.body).toEqual({ items: [] });
    },
  );

  it('rejects invalid parameters with 400 naming the parameter', async () => {
    const { get } = await start('SQLITE_3');
    const cases: Array<[string, RegExp]> = [
      [`${BASE}/incidents?limit=0`, /limit/],
      [`${BASE}/incidents?limit=ten`, /limit/],
      [`${BASE}/incidents?priority=1,7`, /priority/],
      [`${BASE}/incidents?state=pending`, /state/],
      [`${BASE}/incidents?sort=title`, /sort/],
      [`${BASE}/incidents?from=yesterday`, /from/],
      [`${BASE}/incidents?colour=red`, /colour/],
      [`${BASE}/kpis/trend?buckets=1`, /buckets/],
      [`${BASE}/kpis/trend?buckets=many`, /buckets/],
      [
        `${BASE}/incidents?${query({
          from: '2026-02-01T00:00:00Z',
          to: JAN_1,
        })}`,
        /'to'/,
      ],
      [`/api/itops/changes?${query({ to: JAN_1 })}`, /from/],
      [
        `/api/itops/changes?${query({
          from: JAN_1,
          to: '2026-06-01T00:00:00Z',
        })}`,
        /'from' and 'to' span more than 92 days/,
      ],
      [
        `/api/itops/changes?${query({
          from: JAN_1,
          to: '2026-01-02T00:00:00Z',
          type: 'urgent',
        })}`,
        /type/,
      ],
    ];
    for (const [path, message] of cases) {
      const response = await get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(response.body.error.name).toBe('InputError');
      expect(response.body.error.message).toMatch(message);
    }
  });

  it('answers 404 for an entity unknown to ITOps', async () => {
    const { get } = await start('SQLITE_3');
    for (const route of ['summary', 'incidents', 'oncall', 'kpis']) {
      const response = await get(
        `/api/itops/entities/component/default/nope/${route}`,
      );
      expect(response.status).toBe(404);
      expect(response.body.error.name).toBe('NotFoundError');
    }
    const calendar = await get(
      `/api/itops/changes?${query({
        from: JAN_1,
        to: '2026-01-02T00:00:00Z',
        entityRef: 'component:default/nope',
      })}`,
    );
    expect(calendar.status).toBe(404);
  });

  it.each(databases.eachSupportedId())(
    'answers 403 without data for a denied area on %p',
    async databaseId => {
      const { get, permissions } = await start(databaseId, {
        deny: ['itops.incident.read', 'itops.sync-status.read'],
      });

      const incidents = await get(`${BASE}/incidents?state=all`);
      expect(incidents.status).toBe(403);
      expect(incidents.body.error.name).toBe('NotAllowedError');
      expect(incidents.body).not.toHaveProperty('items');
      expect(JSON.stringify(incidents.body)).not.toContain('INC1');
      expect((await get('/api/itops/sync-status')).status).toBe(403);
      expect((await get(`${BASE}/oncall`)).status).toBe(200);

      // The decision is made for the caller's credentials.
      expect(permissions.authorize).toHaveBeenCalledWith(
        [
          {
            permission: expect.objectContaining({ name: 'itops.oncall.read' }),
          },
        ],
        {
          credentials: expect.objectContaining({
            principal: expect.objectContaining({
              userEntityRef: mockCredentials.user().principal.userEntityRef,
            }),
          }),
        },
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'counts configured freeze windows of the entity in the summary on %p',
    async databaseId => {
      const window = (name: string, entityRef: string) => ({
        name,
        start: at(-HOUR),
        end: at(2 * HOUR),
        scope: { entities: [entityRef] },
      });
      const { get } = await start(databaseId, {
        freezeWindows: [
          window('Release freeze', REF),
          window('Elsewhere', 'component:default/other'),
        ],
      });

      const summary = await get(`${BASE}/summary`);

      expect(summary.body.changes.freeze).toEqual({
        active: true,
        windows: expect.arrayContaining([
          { name: 'Black Friday', end: at(DAY) },
          { name: 'Release freeze', end: at(2 * HOUR) },
        ]),
      });
      expect(summary.body.changes.freeze.windows).toHaveLength(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'marks denied areas in the summary and KPIs on %p',
    async databaseId => {
      const { get } = await start(databaseId, {
        deny: ['itops.incident.read', 'itops.backup.read'],
      });

      const summary = await get(`${BASE}/summary`);
      expect(summary.status).toBe(200);
      expect(summary.body.incidents).toEqual({ forbidden: true });
      expect(summary.body.backups).toEqual({ forbidden: true });
      expect(summary.body.kpis.mttr).toEqual({ forbidden: true });
      expect(summary.body.oncall.forbidden).toBe(false);
      expect(summary.body.changes.freeze.active).toBe(true);
      expect(summary.body.kpis.changeSuccessRate.value).toBe(1);
      expect(JSON.stringify(summary.body)).not.toContain('INC1');

      const kpis = await get(`${BASE}/kpis`);
      expect(kpis.body.incidents).toEqual({ forbidden: true });
      expect(kpis.body.backups).toEqual({ forbidden: true });
      expect(kpis.body.changes.successRate.value).toBe(1);

      const trend = await get(`${BASE}/kpis/trend?buckets=3`);
      expect(trend.status).toBe(200);
      expect(trend.body.buckets).toHaveLength(3);
      for (const bucket of trend.body.buckets) {
        expect(bucket.incidents).toEqual({ forbidden: true });
        expect(bucket.backups).toEqual({ forbidden: true });
        expect(bucket.changes.successRate).toBeDefined();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'serves the KPI trend in buckets that add up to the window on %p',
    async databaseId => {
      const { get } = await start(databaseId);
      const window = { from: at(-30 * DAY), to: at(HOUR) };

      const [trend, kpis] = await Promise.all([
        get(`${BASE}/kpis/trend?${query(window)}&buckets=6`),
        get(`${BASE}/kpis?${query(window)}`),
      ]);

      expect(trend.status).toBe(200);
      expect(trend.body.window).toEqual(window);
      const buckets = trend.body.buckets;
      expect(buckets).toHaveLength(6);
      expect(buckets[0].window.from).toBe(window.from);
      expect(buckets[5].window.to).toBe(window.to);
      // Counts are additive across buckets: they must sum to the window's.
      const sum = (read: (bucket: any) => number) =>
        buckets.reduce((total: number, b: any) => total + read(b), 0);
      expect(sum(b => b.incidents.mttr.count)).toBe(
        kpis.body.incidents.mttr.count,
      );
      expect(sum(b => b.changes.successRate.denominator)).toBe(
        kpis.body.changes.successRate.denominator,
      );
      expect(sum(b => b.backups.successRate.denominator)).toBe(
        kpis.body.backups.successRate.denominator,
      );
      expect((await get(`${BASE}/kpis/trend`)).body.buckets).toHaveLength(12);
    },
  );

  it('answers 403 for KPIs when every KPI area is denied', async () => {
    const { get } = await start('SQLITE_3', {
      deny: ['itops.incident.read', 'itops.change.read', 'itops.backup.read'],
    });
    expect((await get(`${BASE}/kpis`)).status).toBe(403);
    expect((await get(`${BASE}/kpis/trend`)).status).toBe(403);
  });
});
