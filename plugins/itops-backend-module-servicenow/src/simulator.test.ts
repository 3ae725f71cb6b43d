/**
 * Integration tests against the ServiceNow simulator over real HTTP: the
 * module's readers feed the real sync engine, which stores into SQLite and
 * PostgreSQL; every scenario ends by comparing the store with what the
 * simulator serves (read with plain fetch, not with the module's client).
 */
import { FixedClock } from '@backstage-itops/simulator';
import {
  byExternalId,
  databases,
  engineFor,
  expectChangesMatch,
  expectedIncidents,
  expectIncidentsMatch,
  instance,
  type Knex,
  ms,
  NOW,
  OAUTH,
  setUp,
  snGet,
  snTable,
  source,
  start,
  storedKeys,
  expectOnCallMatches,
} from './__testUtils__/simulatorHarness';

jest.setTimeout(120_000);

describe('ServiceNow module against the simulator', () => {
  it.each(databases.eachSupportedId())(
    'full sync stores exactly what the instance has, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const clock = new FixedClock(NOW);
      const sims = await start(clock);
      try {
        const url = sims.urls.servicenow;
        const src = source(url, clock);
        const engine = engineFor(knex, src);
        const requests: Record<string, number> = {};
        for (const capability of [
          'incidents',
          'changes',
          'freezeWindows',
          'oncall',
        ] as const) {
          const before = sims.faults.stats('servicenow').requests;
          const result = await engine.runOnce(src, capability, { full: true });
          expect(result).toMatchObject({ status: 'succeeded', full: true });
          requests[capability] =
            sims.faults.stats('servicenow').requests - before;
        }
        // The rota tables and a whoisoncall per handover needed, for the
        // four mapped teams together (sampling took about 110).
        expect(requests.oncall).toBeLessThan(30);
        await expectIncidentsMatch(knex, url);
        await expectChangesMatch(knex, url);
        await expectFreezeWindowsMatch(knex, url);
        await expectOnCallMatches(knex, url, clock);
        // What the demo shows: the example team and service get their
        // records through the keys their annotations give them.
        // The team also collects what it owns (payments-api's freeze).
        expect(await kindsOf(knex, 'group:default/payments')).toEqual([
          'change',
          'freeze',
          'incident',
          'oncall',
        ]);
        expect(await kindsOf(knex, 'component:default/payments-api')).toEqual([
          'change',
          'freeze',
          'incident',
        ]);
      } finally {
        await sims.close();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'incremental sync after live mutations reads only what changed, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const clock = new FixedClock(NOW);
      const sims = await start(clock);
      try {
        const url = sims.urls.servicenow;
        const src = source(url, clock);
        const engine = engineFor(knex, src);
        const first = await engine.runOnce(src, 'incidents', { full: true });
        await engine.runOnce(src, 'changes', { full: true });
        for (let i = 0; i < 12; i++) {
          clock.advance(20 * 60_000);
          sims.simulators.servicenow.tick(clock.now());
        }
        const incremental = await engine.runOnce(src, 'incidents');
        const changes = await engine.runOnce(src, 'changes');
        expect(incremental).toMatchObject({ status: 'succeeded', full: false });
        expect(changes).toMatchObject({ status: 'succeeded', full: false });
        expect(incremental.written).toBeGreaterThan(0);
        expect(incremental.written).toBeLessThan(first.written / 4);
        await expectIncidentsMatch(knex, url);
        await expectChangesMatch(knex, url);
      } finally {
        await sims.close();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'stores change categories, and none where a field ACL hides the column, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const clock = new FixedClock(NOW);
      const sims = await start(clock);
      try {
        const url = sims.urls.servicenow;
        const src = source(url, clock);
        const engine = engineFor(knex, src);
        await engine.runOnce(src, 'changes', { full: true });
        const categories = await knex('itops_changes').distinct('category');
        expect(categories.map(r => r.category).sort()).toEqual([
          'Security',
          'Software',
        ]);
        instance(sims).setQuirks({
          hiddenColumns: { change_request: ['category'] },
        });
        await engine.runOnce(src, 'changes', { full: true });
        await expectChangesMatch(knex, url, 'integration');
        const after = await knex('itops_changes').distinct('category');
        expect(after).toEqual([{ category: null }]);
      } finally {
        await sims.close();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'stores requester and implementer of changes, and none where a field ACL hides them, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const clock = new FixedClock(NOW);
      const sims = await start(clock);
      try {
        const url = sims.urls.servicenow;
        const src = source(url, clock);
        const engine = engineFor(knex, src);
        await engine.runOnce(src, 'changes', { full: true });
        await expectChangesMatch(knex, url, 'integration');
        const rows = await knex('itops_changes').select(
          'requested_by',
          'implemented_by',
        );
        const self = rows.filter(r => r.requested_by === r.implemented_by);
        expect(rows.every(r => r.requested_by && r.implemented_by)).toBe(true);
        expect(self.length).toBeGreaterThan(0);
        expect(self.length).toBeLessThan(rows.length / 4);
        instance(sims).setQuirks({
          hiddenColumns: { change_request: ['requested_by'] },
        });
        await engine.runOnce(src, 'changes', { full: true });
        await expectChangesMatch(knex, url, 'integration');
        expect(await knex('itops_changes').distinct('requested_by')).toEqual([
          { requested_by: null },
        ]);
      } finally {
        await sims.close();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'stores incident subcategories, and none where a field ACL hides the column, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const clock = new FixedClock(NOW);
      const sims = await start(clock);
      try {
        const url = sims.urls.servicenow;
        const src = source(url, clock);
        const engine = engineFor(knex, src);
        await engine.runOnce(src, 'incidents', { full: true });
        const capacity = await knex('itops_incidents')
          .where('subcategory', 'capacity')
          .count({ n: '*' });
        expect(Number(capacity[0].n)).toBeGreaterThan(0);
        instance(sims).setQuirks({
          hiddenColumns: { incident: ['subcategory'] },
        });
        await engine.runOnce(src, 'incidents', { full: true });
        await expectIncidentsMatch(knex, url, 'integration');
        const after = await knex('itops_incidents').distinct('subcategory');
        expect(after).toEqual([{ subcategory: null }]);
        // The category column is still read.
        const categories = await knex('itops_incidents')
          .whereNotNull('category')
          .count({ n: '*' });
        expect(Number(categories[0].n)).toBeGreaterThan(0);
      } finally {
        await sims.close();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'rides out a 429 storm by honouring Retry-After, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const clock = new FixedClock(NOW);
      const sims = await start(clock);
      try {
        const url = sims.urls.servicenow;
        sims.faults.set('servicenow', {
          rateLimit: { limit: 2, windowSeconds: 60 },
        });
        const src = source(url, clock);
        const startedAt = clock.now().getTime();
        const result = await engineFor(knex, src).runOnce(src, 'incidents', {
          full: true,
        });
        expect(result.status).toBe('succeeded');
        const { rateLimited } = sims.faults.stats('servicenow').faults;
        expect(rateLimited).toBeGreaterThanOrEqual(5);
        // Each 429 waited for its window to end (Retry-After), so exactly
        // one request per window was refused rather than a burst of retries.
        const elapsed = clock.now().getTime() - startedAt;
        expect(elapsed).toBeGreaterThanOrEqual(rateLimited * 59_000);
        expect(elapsed).toBeLessThanOrEqual(rateLimited * 61_000);
        sims.faults.reset('servicenow');
        await expectIncidentsMatch(knex, url);
      } finally {
        await sims.close();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'renews an OAuth token that expires mid-sync, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const clock = new FixedClock(NOW);
      const sims = await start(clock);
      try {
        const url = sims.urls.servicenow;
        sims.faults.set('servicenow', { expireTokens: { after: 4 } });
        const src = source(url, clock, OAUTH);
        const result = await engineFor(knex, src).runOnce(src, 'incidents', {
          full: true,
        });
        expect(result.status).toBe('succeeded');
        const stats = sims.faults.stats('servicenow');
        expect(stats.faults.tokenExpiries).toBe(1);
        const simulator = await snGet(url, '/__admin/stats');
        // The first token, and the one obtained after the 401.
        expect(simulator.simulator.tokensIssued).toBe(2);
        expect(simulator.simulator.unauthorized).toBe(1);
        await expectIncidentsMatch(knex, url);
      } finally {
        await sims.close();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'renews client_credentials tokens before they expire during a long sync, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const clock = new FixedClock(NOW);
      // Tokens live three minutes; a rate limit stretches the sync to
      // several minutes of the simulator's time.
      const sims = await start(clock, { auth: { tokenLifetimeSeconds: 180 } });
      try {
        const url = sims.urls.servicenow;
        sims.faults.set('servicenow', {
          rateLimit: { limit: 3, windowSeconds: 60 },
        });
        const src = source(url, clock, {
          clientId: OAUTH.clientId,
          clientSecret: OAUTH.clientSecret,
          refreshBeforeExpirySeconds: 60,
        });
        const result = await engineFor(knex, src).runOnce(src, 'incidents', {
          full: true,
        });
        expect(result.status).toBe('succeeded');
        sims.faults.reset('servicenow');
        const simulator = await snGet(url, '/__admin/stats');
        expect(simulator.simulator.tokensIssued).toBeGreaterThan(1);
        // Renewed ahead of time: the instance never refused a token.
        expect(simulator.simulator.unauthorized).toBe(0);
        await expectIncidentsMatch(knex, url);
      } finally {
        await sims.close();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'does not skip or lose rows when an insert shifts the pages, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const clock = new FixedClock(NOW);
      const sims = await start(clock);
      try {
        const url = sims.urls.servicenow;
        const before = (await expectedIncidents(url)).length;
        sims.faults.set('servicenow', { shiftRecords: { after: 3 } });
        const src = source(url, clock);
        const result = await engineFor(knex, src).runOnce(src, 'incidents', {
          full: true,
        });
        expect(result.status).toBe('succeeded');
        expect(sims.faults.stats('servicenow').faults.shiftedRecords).toBe(1);
        sims.faults.reset('servicenow');
        const after = await expectedIncidents(url);
        expect(after).toHaveLength(before + 1);
        // The second walk wrote only the row the first one missed.
        expect(result.written).toBe(after.length);
        await expectIncidentsMatch(knex, url);
      } finally {
        await sims.close();
      }
    },
  );

  it('walks again for a row behind the cursor without the engine, too', async () => {
    const clock = new FixedClock(NOW);
    const sims = await start(clock);
    try {
      const url = sims.urls.servicenow;
      sims.faults.set('servicenow', { shiftRecords: { after: 3 } });
      const reader = source(url, clock).readers.incidents!;
      // A caller that cannot say what was delivered: the reader counts
      // rows itself and walks again in full; re-reads are idempotent upserts.
      const read: string[] = [];
      for await (const batch of reader.read({
        full: true,
        signal: new AbortController().signal,
        mappedKeys: async () => [],
      })) {
        read.push(...batch.records.map(r => r.externalId));
      }
      sims.faults.reset('servicenow');
      const expected = (await expectedIncidents(url)).map(i => i.externalId);
      expect(new Set(read)).toEqual(new Set(expected));
      expect(read).toHaveLength(2 * expected.length - 1);
    } finally {
      await sims.close();
    }
  });

  it.each(databases.eachSupportedId())(
    'drops a record deleted in the instance at the next full sync, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const clock = new FixedClock(NOW);
      // The instance first has one incident more (a late import) …
      const first = await start(clock);
      let deletedId: string;
      try {
        const before = new Set(
          (await expectedIncidents(first.urls.servicenow)).map(
            i => i.externalId,
          ),
        );
        first.simulators.servicenow.insertShiftingRecord();
        const withExtra = await expectedIncidents(first.urls.servicenow);
        deletedId = withExtra.find(i => !before.has(i.externalId))!.externalId;
        const src = source(first.urls.servicenow, clock);
        await engineFor(knex, src).runOnce(src, 'incidents', { full: true });
        await expectIncidentsMatch(knex, first.urls.servicenow);
      } finally {
        await first.close();
      }
      // … which is then deleted: the same seeded world without it.
      const second = await start(clock);
      try {
        const url = second.urls.servicenow;
        const src = source(url, clock);
        const engine = engineFor(knex, src);
        const ids = async () =>
          (await knex('itops_incidents').select('external_id')).map(
            r => r.external_id,
          );
        // An incremental sync cannot see deletions …
        await engine.runOnce(src, 'incidents', { full: false });
        expect(await ids()).toContain(deletedId);
        // … the full reconcile removes the record and its keys.
        const full = await engine.runOnce(src, 'incidents', { full: true });
        expect(full.deleted).toBe(1);
        expect(await ids()).not.toContain(deletedId);
        await expectIncidentsMatch(knex, url);
      } finally {
        await second.close();
      }
    },
  );
});

/** The kinds of records that share a mapping key with an entity. */
async function kindsOf(knex: Knex, entityRef: string): Promise<string[]> {
  const rows = await knex('itops_entity_keys as ek')
    .join('itops_record_keys as rk', join =>
      join
        .on('rk.key_type', 'ek.key_type')
        .andOn('rk.key_value', 'ek.key_value'),
    )
    .where('ek.entity_ref', entityRef)
    .distinct('rk.record_table');
  return rows.map(r => r.record_table).sort();
}

// ---- Freeze windows and on-call -------------------------------------------

async function expectFreezeWindowsMatch(knex: Knex, url: string) {
  const schedules = await snTable(url, 'cmn_schedule_blackout', [
    'sys_id',
    'name',
    'condition',
  ]);
  // The blackout schedules' spans (on-call schedules have spans too).
  const spans = await snTable(
    url,
    'cmn_schedule_span',
    ['sys_id', 'schedule', 'start_date_time', 'end_date_time'],
    `scheduleIN${schedules.map(s => s.sys_id).join(',')}`,
  );
  const fromSchedule = (text: string) =>
    new Date(
      `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(
        9,
        11,
      )}:${text.slice(11, 13)}:${text.slice(13, 15)}Z`,
    ).toISOString();
  const expected = [];
  for (const span of spans) {
    const schedule = schedules.find(s => s.sys_id === span.schedule)!;
    const cis = schedule.condition
      ? await snTable(
          url,
          'cmdb_ci',
          ['sys_id', 'name', 'sys_class_name'],
          schedule.condition,
        )
      : [];
    expected.push({
      externalId: span.sys_id,
      name: schedule.name,
      start: fromSchedule(span.start_date_time),
      end: fromSchedule(span.end_date_time),
      keys: cis
        .flatMap(ci => [
          `servicenow-ci:${ci.sys_id}`,
          ...(ci.sys_class_name === 'cmdb_ci_service'
            ? [`servicenow-service:${ci.name.toLowerCase()}`]
            : []),
        ])
        .sort(),
    });
  }
  expect(expected.length).toBe(2);
  expect(
    expected.some(e => e.keys.includes('servicenow-service:payments api')),
  ).toBe(true);
  const keys = await storedKeys(knex, 'freeze');
  const stored = (await knex('itops_freeze_windows')).map(r => ({
    externalId: r.external_id,
    name: r.name,
    start: ms(r.start_at),
    end: ms(r.end_at),
    keys: (keys.get(String(r.id)) ?? []).sort(),
  }));
  expect(stored.sort(byExternalId)).toEqual(expected.sort(byExternalId));
}
