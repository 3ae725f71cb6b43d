import {
  mockCredentials,
  mockServices,
  startTestBackend,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import request from 'supertest';
import {
  backupJobTable,
  backupRunTable,
  changeTable,
  freezeWindowTable,
  incidentTable,
  onCallTable,
} from '../database/recordTables';
import { itopsPlugin } from '../plugin';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(60_000);

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const REF = 'component:default/payments';
const TEAM = 'group:default/payments-team';
const ALICE = 'user:default/alice';
/** Bob may read on-call, changes and backups, not incidents or compliance. */
const BOB = 'user:default/bob';
const BOB_DENIED = ['itops.incident.read', 'itops.compliance.read'];
const payments = { type: 'servicenow-service' as const, value: 'payments' };

const now = Date.now();
const at = (ms: number) => new Date(now + ms).toISOString();

const catalog: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations: { 'itops.io/servicenow-service': 'payments' },
    },
    spec: { type: 'service', lifecycle: 'production', owner: TEAM },
    relations: [{ type: 'ownedBy', targetRef: TEAM }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments-team', namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: [{ type: 'hasMember', targetRef: ALICE }],
  },
];

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
  await incident('INC1', 1, HOUR);
  await incident('INC2', 2, 2 * DAY);
  await incident('INC3', 2, 3 * DAY);
  await incident('INC4', 3, 4 * DAY, 2 * HOUR);
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
  for (const [personName, from, to] of [
    ['Ada', -HOUR, HOUR],
    ['Bob', HOUR, 9 * HOUR],
  ] as const) {
    await fixtures.record(onCallTable, {
      scheduleName: 'payments',
      groupName: 'Payments',
      personName,
      start: at(from),
      end: at(to),
      escalationLevel: 1,
      keys: [payments],
    });
  }
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

/** The JSON-RPC answer of a streamable-HTTP MCP response (JSON or SSE). */
function rpcResult(res: request.Response): any {
  const text = res.text;
  const data = text.startsWith('{')
    ? text
    : text
        .split('\n')
        .filter(line => line.startsWith('data: '))
        .map(line => line.slice('data: '.length))
        .join('');
  return JSON.parse(data);
}

describe('ITOps actions', () => {
  const databases = createTestDatabases();

  async function start(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await seed(await ItopsFixtures.create(knex));
    const permissions = mockServices.permissions.mock({
      authorize: async (requests, options) =>
        requests.map(({ permission }) => {
          const principal = options?.credentials.principal as any;
          const denied =
            principal?.userEntityRef === BOB &&
            BOB_DENIED.includes(permission.name);
          return {
            result: denied ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
          };
        }) as any,
    });
    const auditor = mockServices.auditor.mock();
    const events: Array<{ eventId: string; outcome: string; meta: any }> = [];
    auditor.createEvent.mockImplementation(async ({ eventId, meta }) => ({
      success: async () => {
        events.push({ eventId, outcome: 'success', meta });
      },
      fail: async () => {
        events.push({ eventId, outcome: 'fail', meta });
      },
    }));
    const { server } = await startTestBackend({
      features: [
        itopsPlugin,
        mcpActionsPlugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            backend: { actions: { pluginSources: ['itops'] } },
            itops: { kpis: { windowDays: 30 } },
          },
        }),
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        catalogServiceMock.factory({ entities: catalog }),
        permissions.factory,
        auditor.factory,
      ],
    });
    const as = (user: string) => ({
      invoke: (name: string, input: object) =>
        request(server)
          .post(`/api/itops/.backstage/actions/v1/actions/itops:${name}/invoke`)
          .set('Authorization', mockCredentials.user.header(user))
          .send(input),
      list: () =>
        request(server)
          .get('/api/itops/.backstage/actions/v1/actions')
          .set('Authorization', mockCredentials.user.header(user)),
      rest: (path: string) =>
        request(server)
          .get(`/api/itops${path}`)
          .set('Authorization', mockCredentials.user.header(user)),
      evaluate: () =>
        request(server)
          .post('/api/itops/compliance/evaluate')
          .set('Authorization', mockCredentials.user.header(user)),
      mcp: (id: number, method: string, params: object = {}) =>
        request(server)
          .post('/api/mcp-actions/v1')
          .set('Authorization', mockCredentials.user.header(user))
          .set('Accept', 'application/json, text/event-stream')
          .send({ jsonrpc: '2.0', id, method, params }),
    });
    return { alice: as(ALICE), bob: as(BOB), events };
  }

  it.each(databases.eachSupportedId())(
    'answers every area from the services the REST routes use, %p',
    async databaseId => {
      const { alice } = await start(databaseId);

      const listed = await alice.list();
      expect(listed.status).toBe(200);
      const actions = listed.body.actions;
      expect(actions.map((a: any) => a.name).sort()).toEqual([
        'get-backup-health',
        'get-compliance-scorecard',
        'get-freeze-status',
        'get-incident-kpis',
        'get-on-call',
        'get-team-compliance',
        'list-changes',
        'list-open-incidents',
      ]);
      for (const action of actions) {
        expect(action.attributes).toEqual({
          readOnly: true,
          idempotent: true,
          destructive: false,
        });
        expect(action.schema.input.type).toBe('object');
      }

      const onCall = await alice.invoke('get-on-call', { entityRef: REF });
      expect(onCall.status).toBe(200);
      expect(onCall.body.output.onCall.map((s: any) => s.personName)).toEqual([
        'Ada',
      ]);
      expect(onCall.body.output.next.map((s: any) => s.personName)).toEqual([
        'Bob',
      ]);
      // Later in the day Bob has taken over; a short ref names the same entity.
      const later = await alice.invoke('get-on-call', {
        entityRef: 'component:payments',
        at: at(2 * HOUR),
      });
      expect(later.body.output).toMatchObject({
        entityRef: REF,
        at: at(2 * HOUR),
      });
      expect(later.body.output.onCall.map((s: any) => s.personName)).toEqual([
        'Bob',
      ]);

      const open = await alice.invoke('list-open-incidents', {
        entityRef: REF,
      });
      expect(open.body.output.totalCount).toBe(3);
      expect(open.body.output.items.map((i: any) => i.number)).toEqual([
        'INC1',
        'INC2',
        'INC3',
      ]);
      const critical = await alice.invoke('list-open-incidents', {
        entityRef: REF,
        priorities: [1],
      });
      expect(critical.body.output.items.map((i: any) => i.number)).toEqual([
        'INC1',
      ]);

      const from = at(-10 * DAY);
      const to = at(0);
      const kpis = await alice.invoke('get-incident-kpis', {
        entityRef: REF,
        from,
        to,
      });
      expect(kpis.status).toBe(200);
      const rest = await alice.rest(
        `/entities/component/default/payments/kpis?${new URLSearchParams({
          from,
          to,
        })}`,
      );
      const { window: _w, ...incidentKpis } = kpis.body.output;
      expect(incidentKpis).toEqual({ entityRef: REF, ...rest.body.incidents });
      expect(incidentKpis.openedCount).toBe(4);
      expect(incidentKpis.mttr).toEqual({ valueMs: 2 * HOUR, count: 1 });

      const frozen = await alice.invoke('get-freeze-status', {
        entityRef: REF,
      });
      expect(frozen.body.output.frozen).toBe(true);
      expect(frozen.body.output.windows.map((w: any) => w.name)).toEqual([
        'Black Friday',
      ]);
      const afterwards = await alice.invoke('get-freeze-status', {
        entityRef: REF,
        at: at(2 * DAY),
        end: at(2 * DAY + HOUR),
      });
      expect(afterwards.body.output).toMatchObject({
        frozen: false,
        windows: [],
      });

      const changes = await alice.invoke('list-changes', {
        from: at(-7 * DAY),
        to: at(7 * DAY),
        owners: [],
        entityRef: REF,
      });
      expect(changes.status).toBe(200);
      expect(changes.body.output.totalCount).toBe(2);
      expect(
        changes.body.output.items.map((c: any) => [c.number, c.freezes]),
      ).toEqual([
        ['CHG0', []],
        ['CHG1', []],
      ]);

      const backups = await alice.invoke('get-backup-health', {
        entityRef: REF,
      });
      const restBackups = await alice.rest(
        '/entities/component/default/payments/backups',
      );
      expect(backups.body.output.health).toMatchObject({
        status: restBackups.body.health.status,
        jobCount: 1,
        lastResult: 'success',
      });

      // Nothing evaluated yet: the scorecard says so rather than passing.
      const early = await alice.invoke('get-compliance-scorecard', {
        entityRef: REF,
      });
      expect(early.status).toBe(404);
      expect(early.body.error.message).toContain('not evaluated');
      expect((await alice.evaluate()).status).toBe(201);

      const card = await alice.invoke('get-compliance-scorecard', {
        entityRef: REF,
      });
      expect(card.status).toBe(200);
      const restCard = (
        await alice.rest('/compliance/entities/component/default/payments')
      ).body;
      expect(card.body.output.score).toBe(restCard.score);
      expect(card.body.output.counts).toEqual(restCard.counts);
      expect(
        card.body.output.failingControls.map((c: any) => c.id).sort(),
      ).toEqual(
        restCard.frameworks
          .flatMap((f: any) => f.controls)
          .filter((c: any) => c.status === 'fail' || c.status === 'error')
          .map((c: any) => c.id)
          .sort(),
      );
      const notPassing = restCard.results.filter(
        (r: any) => r.status !== 'pass' && r.status !== 'not_applicable',
      );
      expect(notPassing.length).toBeGreaterThan(0);
      expect(
        card.body.output.checksNotPassing.map((c: any) => c.checkId),
      ).toEqual(notPassing.map((r: any) => r.checkId));
      expect(
        card.body.output.checksNotPassing.every((c: any) => c.reason),
      ).toBe(true);

      const team = await alice.invoke('get-team-compliance', {
        teamRef: TEAM,
      });
      expect(team.status).toBe(200);
      const restTeam = (
        await alice.rest(
          `/compliance/overview?team=${encodeURIComponent(TEAM)}`,
        )
      ).body;
      expect(team.body.output).toMatchObject({
        teamRef: TEAM,
        entityCount: 1,
        score: restTeam.score,
        counts: restTeam.counts,
      });
      expect(team.body.output.worstServices[0].entityRef).toBe(REF);
      expect(team.body.output.failingControls.length).toBeGreaterThan(0);
      expect(
        team.body.output.failingControls.every(
          (c: any) => c.failingEntities === 1,
        ),
      ).toBe(true);

      // A team owning nothing evaluated has no score, and says why.
      const empty = await alice.invoke('get-team-compliance', {
        teamRef: 'group:default/nobody',
      });
      expect(empty.body.output).toMatchObject({
        entityCount: 0,
        score: null,
        noDataReason: expect.stringContaining('group:default/nobody'),
      });
    },
  );

  it('refuses bad input with a 400 naming it and unknown entities with a 404', async () => {
    const { alice } = await start('SQLITE_3');
    const bad = await alice.invoke('get-on-call', { entityRef: 'no ref here' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/Input 'entityRef'/);
    const badTime = await alice.invoke('get-on-call', {
      entityRef: REF,
      at: 'yesterday',
    });
    expect(badTime.status).toBe(400);
    expect(badTime.body.error.message).toContain('Invalid input');
    const backwards = await alice.invoke('list-changes', {
      from: at(DAY),
      to: at(0),
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toBe(
      "Input 'to' must be after 'from'",
    );
    const tooLong = await alice.invoke('list-changes', {
      from: at(0),
      to: at(200 * DAY),
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toContain('span more than 92 days');
    const unknown = await alice.invoke('get-backup-health', {
      entityRef: 'component:default/nope',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      'No ITOps data for entity component:default/nope',
    );
  });

  it('checks the REST routes’ permissions and audits who asked', async () => {
    const { bob, events } = await start('SQLITE_3');
    expect(
      (await bob.rest('/entities/component/default/payments/incidents')).status,
    ).toBe(403);
    const denied = await bob.invoke('list-open-incidents', { entityRef: REF });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe(
      'Missing permission itops.incident.read',
    );
    const kpis = await bob.invoke('get-incident-kpis', { entityRef: REF });
    expect(kpis.status).toBe(403);
    const card = await bob.invoke('get-compliance-scorecard', {
      entityRef: REF,
    });
    expect(card.status).toBe(403);
    expect(card.body.error.message).toBe(
      'Missing permission itops.compliance.read',
    );
    // What Bob may read still answers.
    const onCall = await bob.invoke('get-on-call', { entityRef: REF });
    expect(onCall.status).toBe(200);

    expect(events).toEqual(
      expect.arrayContaining([
        {
          eventId: 'incidents-read',
          outcome: 'fail',
          meta: expect.objectContaining({ actor: BOB, entityRef: REF }),
        },
        {
          eventId: 'compliance-scorecard-read',
          outcome: 'fail',
          meta: expect.objectContaining({ actor: BOB }),
        },
        {
          eventId: 'oncall-read',
          outcome: 'success',
          meta: expect.objectContaining({ actor: BOB, via: 'actions' }),
        },
      ]),
    );
  });

  it('serves the actions as MCP tools over HTTP, refusing what the caller may not read', async () => {
    const { alice, bob } = await start('SQLITE_3');

    const list = await alice.mcp(1, 'tools/list');
    expect(list.status).toBe(200);
    const { tools } = rpcResult(list).result;
    const onCallTool = tools.find((t: any) => t.name === 'itops.get-on-call');
    expect(onCallTool).toMatchObject({
      annotations: {
        readOnlyHint: true,
        idempotentHint: true,
        destructiveHint: false,
      },
      inputSchema: {
        type: 'object',
        required: ['entityRef'],
      },
    });
    expect(tools.map((t: any) => t.name)).toEqual(
      expect.arrayContaining([
        'itops.list-open-incidents',
        'itops.get-compliance-scorecard',
        'itops.get-team-compliance',
      ]),
    );

    const call = await alice.mcp(2, 'tools/call', {
      name: 'itops.get-on-call',
      arguments: { entityRef: REF },
    });
    expect(call.status).toBe(200);
    const result = rpcResult(call).result;
    expect(result.isError).toBeFalsy();
    const output =
      result.structuredContent ?? JSON.parse(result.content[0].text);
    expect(output.onCall.map((s: any) => s.personName)).toEqual(['Ada']);

    const refused = await bob.mcp(3, 'tools/call', {
      name: 'itops.list-open-incidents',
      arguments: { entityRef: REF },
    });
    const refusal = rpcResult(refused).result;
    expect(refusal.isError).toBe(true);
    expect(refusal.content[0].text).toContain(
      'Missing permission itops.incident.read',
    );
    expect(JSON.stringify(refusal)).not.toContain('INC1');
  });
});
