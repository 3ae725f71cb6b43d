/**
 * The module against the simulator's quirks (what real instances do that a
 * tidy simulator would not), one switch each, over real HTTP with the real
 * sync engine on SQLite and PostgreSQL. Each scenario ends with the store
 * equal to what the instance serves to the integration user.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { FixedClock } from '@backstage-itops/simulator';
import {
  BASIC,
  databases,
  engineFor,
  expectChangesMatch,
  expectedIncidents,
  expectIncidentsMatch,
  expectOnCallMatches,
  expectShiftEdgesReal,
  instance,
  type Knex,
  NOW,
  setUp,
  snGet,
  snTable,
  source,
  start,
  storedIncidents,
  whoIsOnCall,
  withWorld,
} from './__testUtils__/simulatorHarness';

jest.setTimeout(120_000);

const CLIENT_CREDENTIALS = {
  clientId: 'itops-backstage',
  clientSecret: 'itops-secret',
};

/** The watermark the engine stored for a capability. */
async function watermarkOf(knex: Knex, capability: string): Promise<string> {
  const row = await knex('itops_sync_state')
    .where({ source_type: 'servicenow', capability })
    .first();
  return row.watermark;
}

describe('ServiceNow module against the instance quirks', () => {
  it.each(databases.eachSupportedId())(
    'finds updates made after a sync although rows are stamped in the future, on %p',
    databaseId =>
      withWorld(
        databaseId,
        {
          quirks: {
            futureDated: {
              tables: ['incident', 'change_request'],
              count: 3,
              aheadSeconds: 7 * 86_400,
            },
          },
        },
        async ({ knex, clock, sims, url }) => {
          const src = source(url, clock);
          const engine = engineFor(knex, src);
          await engine.runOnce(src, 'incidents', { full: true });
          await engine.runOnce(src, 'changes', { full: true });
          // The rows from next week are stored, but the watermark stays
          // behind the instance's clock (its Date header) by the overlap.
          await expectIncidentsMatch(knex, url);
          for (const capability of ['incidents', 'changes']) {
            expect(await watermarkOf(knex, capability)).toBe(
              new Date(Date.parse(NOW) - 120_000).toISOString(),
            );
          }
          for (let i = 0; i < 6; i++) {
            clock.advance(20 * 60_000);
            instance(sims).tick(clock.now());
          }
          const incremental = await engine.runOnce(src, 'incidents');
          await engine.runOnce(src, 'changes');
          expect(incremental).toMatchObject({
            status: 'succeeded',
            full: false,
          });
          // Everything ticked since the first sync is there, and the
          // future-dated rows were read again, not lost.
          await expectIncidentsMatch(knex, url);
          await expectChangesMatch(knex, url);
          expect(await watermarkOf(knex, 'incidents')).toBe(
            new Date(clock.now().getTime() - 120_000).toISOString(),
          );
        },
      ),
  );

  it.each(databases.eachSupportedId())(
    'catches rows re-stamped inside the overlap incrementally, older ones at the full reconcile, on %p',
    databaseId =>
      withWorld(databaseId, {}, async ({ knex, clock, sims, url }) => {
        const src = source(url, clock);
        const engine = engineFor(knex, src);
        await engine.runOnce(src, 'incidents', { full: true });
        const title = async (id: string) =>
          (await storedIncidents(knex)).find(i => i.externalId === id)?.title;

        // Changed "90 s ago": inside the window an incremental run re-reads.
        const recent = instance(sims).setQuirks({
          pastDated: { tables: ['incident'], count: 2, ageSeconds: 90 },
        }).pastDated.incident;
        await engine.runOnce(src, 'incidents');
        for (const id of recent) {
          expect(await title(id)).toMatch(/\(re-imported\)$/);
        }

        // Changed with a stamp from yesterday: no incremental run sees it
        // (documented in vendor-calls.md); the full reconcile does.
        const old = instance(sims).setQuirks({
          pastDated: { tables: ['incident'], count: 2, ageSeconds: 86_400 },
        }).pastDated.incident;
        clock.advance(10 * 60_000);
        await engine.runOnce(src, 'incidents');
        for (const id of old) {
          expect(await title(id)).not.toMatch(/\(re-imported\)$/);
        }
        await engine.runOnce(src, 'incidents', { full: true });
        for (const id of old) {
          expect(await title(id)).toMatch(/\(re-imported\)$/);
        }
        await expectIncidentsMatch(knex, url);
      }),
  );

  it.each(databases.eachSupportedId())(
    'reads each page once when ACLs hide rows, and still walks again for a late row, on %p',
    databaseId =>
      withWorld(
        databaseId,
        {
          quirks: {
            aclHidden: { tables: ['incident', 'change_request'], share: 0.15 },
          },
        },
        async ({ knex, clock, sims, url }) => {
          const logger = mockServices.logger.mock();
          const src = source(url, clock, BASIC, {}, { logger });
          const engine = engineFor(knex, src);
          const all = (await expectedIncidents(url)).length;
          const visible = (await expectedIncidents(url, 'integration')).length;
          expect(visible).toBeLessThan(all * 0.95);

          const before = sims.faults.stats('servicenow').requests;
          const full = await engine.runOnce(src, 'incidents', { full: true });
          const requests = sims.faults.stats('servicenow').requests - before;
          expect(full).toMatchObject({ status: 'succeeded', written: visible });
          // One walk of 50-row pages and the count: no second or third walk.
          expect(requests).toBeLessThanOrEqual(Math.ceil(all / 50) + 2);
          expect(logger.info).not.toHaveBeenCalledWith(
            expect.stringMatching(/reading again/),
          );
          await expectIncidentsMatch(knex, url, 'integration');
          await engine.runOnce(src, 'changes', { full: true });
          await expectChangesMatch(knex, url, 'integration');

          // A row imported behind the cursor mid-walk is still found.
          sims.faults.set('servicenow', { shiftRecords: { after: 3 } });
          const again = await engine.runOnce(src, 'incidents', { full: true });
          sims.faults.reset('servicenow');
          expect(again.status).toBe('succeeded');
          expect(logger.info).toHaveBeenCalledWith(
            expect.stringMatching(/reading again/),
          );
          await expectIncidentsMatch(knex, url, 'integration');
        },
      ),
  );

  it.each(databases.eachSupportedId())(
    'fetches a 5-second token about once per 4 seconds of sync, on %p',
    databaseId =>
      withWorld(
        databaseId,
        { auth: { tokenLifetimeSeconds: 5 } },
        async ({ knex, clock, url }) => {
          // Every request takes half a second of the instance's time.
          const slow: typeof fetch = async (input, init) => {
            clock.advance(500);
            return fetch(input, init);
          };
          const src = source(
            url,
            clock,
            CLIENT_CREDENTIALS,
            { pageSize: 10 },
            { fetch: slow },
          );
          const startedAt = clock.now().getTime();
          const result = await engineFor(knex, src).runOnce(src, 'incidents', {
            full: true,
          });
          expect(result.status).toBe('succeeded');
          const seconds = (clock.now().getTime() - startedAt) / 1000;
          const stats = (await snGet(url, '/__admin/stats')).simulator;
          expect(seconds).toBeGreaterThan(20);
          // expires_in is 4 (one second short, as an instance answers):
          // renewed at 80 % of it, never for every request.
          expect(stats.tokensIssued).toBeLessThanOrEqual(
            Math.ceil(seconds / 3.2) + 1,
          );
          // (Renewing per request, as before, took one token per request.)
          expect(stats.tokensIssued).toBeLessThan(stats.requests / 5);
          expect(stats.unauthorized).toBe(0);
          await expectIncidentsMatch(knex, url);
        },
      ),
  );

  it.each(
    databases
      .eachSupportedId()
      .flatMap(([id]) => [
        [id, 'with Retry-After', 30] as const,
        [id, 'without Retry-After', undefined] as const,
      ]),
  )(
    'rides out 429s on the token endpoint, on %p %s',
    (databaseId, _, retryAfterSeconds) =>
      withWorld(
        databaseId,
        {
          quirks: { tokenRateLimit: { count: 3, retryAfterSeconds } },
        },
        async ({ knex, clock, url }) => {
          const src = source(url, clock, CLIENT_CREDENTIALS);
          const startedAt = clock.now().getTime();
          const result = await engineFor(knex, src).runOnce(src, 'incidents', {
            full: true,
          });
          expect(result.status).toBe('succeeded');
          const stats = (await snGet(url, '/__admin/stats')).simulator;
          expect(stats.tokensRefused).toBe(3);
          expect(stats.tokensIssued).toBe(1);
          const waited = clock.now().getTime() - startedAt;
          // After each Retry-After; else exponential backoff with jitter,
          // under 100 + 200 + 400 ms.
          expect(waited).toBeGreaterThanOrEqual(
            retryAfterSeconds ? 3 * retryAfterSeconds * 1000 : 0,
          );
          expect(waited).toBeLessThanOrEqual(
            retryAfterSeconds ? 3 * retryAfterSeconds * 1000 : 700,
          );
          await expectIncidentsMatch(knex, url);
        },
      ),
  );

  it.each(databases.eachSupportedId())(
    "stores UTC times whatever the integration user's time zone, on %p",
    databaseId =>
      withWorld(
        databaseId,
        {
          quirks: { userTimeZones: { 'itops.integration': 'Asia/Kolkata' } },
        },
        async ({ knex, clock, url }) => {
          // The instance does show this user its times in India's zone …
          const shown = await snGet(
            url,
            '/api/now/table/incident?sysparm_limit=1&sysparm_fields=opened_at&sysparm_display_value=all',
            'integration',
          );
          const { value, display_value } = shown.result[0].opened_at;
          expect(display_value).not.toBe(value);
          // … and the module reads values, which stay UTC.
          const src = source(url, clock);
          await engineFor(knex, src).runOnce(src, 'incidents', { full: true });
          await engineFor(knex, src).runOnce(src, 'changes', { full: true });
          await expectIncidentsMatch(knex, url);
          await expectChangesMatch(knex, url);
        },
      ),
  );

  it.each(databases.eachSupportedId())(
    'skips and counts unusable records with a warning naming record and field, keeping the rest, on %p',
    databaseId =>
      withWorld(databaseId, {}, async ({ knex, clock, sims, url }) => {
        const logger = mockServices.logger.mock();
        const src = source(url, clock, BASIC, {}, { logger });
        const engine = engineFor(knex, src);
        await engine.runOnce(src, 'incidents', { full: true });
        const stored = await storedIncidents(knex);

        const [resolved, code, keyless, unopened] = instance(sims).setQuirks({
          malformed: [
            // Stored incidents whose optional date turns unreadable, or
            // whose state code no config knows.
            { table: 'incident', values: { resolved_at: 'soon' } },
            { table: 'incident', values: { state: '42' } },
            // Rows that cannot be stored: no key, no opening time at all.
            { table: 'incident', values: { sys_id: '' } },
            {
              table: 'incident',
              values: { opened_at: 'x', sys_created_on: '' },
            },
          ],
        }).malformed;
        const result = await engine.runOnce(src, 'incidents', { full: true });
        expect(result).toMatchObject({ status: 'succeeded', rejected: 2 });
        const state = await knex('itops_sync_state')
          .where({ source_type: 'servicenow', capability: 'incidents' })
          .first();
        expect(Number(state.last_rejected)).toBe(2);
        const warnings = logger.warn.mock.calls.map(c => String(c[0]));
        const named = (sysId: string, rest: string) =>
          expect(warnings).toContainEqual(
            expect.stringContaining(`(sys_id '${sysId}'): ${rest}`),
          );
        named(resolved.sysId, 'resolved_at not a date: value dropped');
        named(code.sysId, 'state not a configured code: kept as source state');
        named('', 'sys_id missing: record skipped');
        named(unopened.sysId, 'opened_at not a date: record skipped');
        // Values stay out of the log.
        expect(warnings.join('\n')).not.toContain('soon');
        expect(keyless.sysId).not.toBe('');

        const after = new Map(
          (await storedIncidents(knex)).map(i => [i.externalId, i]),
        );
        // Nothing else is lost or doubled: the broken date is dropped, the
        // unknown state kept as the source's.
        expect(after.get(resolved.sysId)?.resolvedAt).toBeNull();
        expect(after.get(code.sysId)?.sourceState).toBe('42');
        // The skipped row keeps its stored copy; only the row whose sys_id
        // is gone upstream is gone from the store.
        expect(
          stored.map(i => i.externalId).filter(id => !after.has(id)),
        ).toEqual([keyless.sysId]);
        expect(after.size).toBe(stored.length - 1);
      }),
  );

  it.each(databases.eachSupportedId())(
    'gives on-call shifts their real start and end from the rota spans, in a few requests, on %p',
    databaseId =>
      withWorld(databaseId, {}, async ({ knex, clock, sims, url }) => {
        const groupName = new Map(
          (await snTable(url, 'sys_user_group', ['sys_id', 'name'])).map(g => [
            g.sys_id,
            g.name,
          ]),
        );
        // A search window far shorter than the weekly shifts.
        const src = source(url, clock, BASIC, {
          oncall: { lookBackHours: 12, lookAheadHours: 12 },
        });
        const before = sims.faults.stats('servicenow').requests;
        const result = await engineFor(knex, src).runOnce(src, 'oncall');
        const requests = sims.faults.stats('servicenow').requests - before;
        expect(result.status).toBe('succeeded');
        // Groups, the five rota tables, the schedules' zones, users, and a
        // whoisoncall per handover needed for the four teams.
        expect(requests).toBeLessThanOrEqual(25);
        await expectShiftEdgesReal(knex, url);
        const shifts = await knex('itops_oncall_shifts');
        // Someone holds every lane now, in shifts that began days before
        // the 12-hour window (the weekly handovers).
        const now = Date.parse(NOW);
        const current = shifts.filter(
          s => Number(s.start_at) <= now && Number(s.end_at) > now,
        );
        expect(
          current.map(s => `${s.group_name}|${s.escalation_level}`).sort(),
        ).toEqual(
          [...(await whoIsOnCall(url, now)).keys()]
            .map(
              lane =>
                `${groupName.get(lane.split('|')[0])}|${lane.split('|')[1]}`,
            )
            .sort(),
        );
        expect(
          current.filter(s => Number(s.start_at) < now - 86_400_000).length,
        ).toBeGreaterThan(0);
      }),
  );

  it.each(databases.eachSupportedId())(
    'falls back on sampling whoisoncall when the rota tables are refused, on %p',
    databaseId =>
      withWorld(
        databaseId,
        {
          quirks: { deniedTables: { roster_schedule_span: 403 } },
        },
        async ({ knex, clock, url }) => {
          const logger = mockServices.logger.mock();
          const src = source(url, clock, BASIC, {}, { logger });
          const result = await engineFor(knex, src).runOnce(src, 'oncall');
          expect(result.status).toBe('succeeded');
          expect(logger.warn).toHaveBeenCalledWith(
            expect.stringMatching(
              /sampling whoisoncall, because a rota table answered 403/,
            ),
          );
          await expectOnCallMatches(knex, url, clock);
        },
      ),
  );

  it.each(databases.eachSupportedId())(
    'removes deleted records at the next incremental run from sys_audit_delete when allowed, on %p',
    databaseId =>
      withWorld(databaseId, {}, async ({ knex, clock, sims, url }) => {
        const logger = mockServices.logger.mock();
        const src = source(
          url,
          clock,
          BASIC,
          { deletions: { auditTable: true } },
          { logger },
        );
        const engine = engineFor(knex, src);
        await engine.runOnce(src, 'incidents', { full: true });
        await engine.runOnce(src, 'changes', { full: true });
        clock.advance(5 * 60_000);
        const { deleted } = instance(sims).setQuirks({
          deleted: { tables: ['incident', 'change_request'], count: 2 },
        });
        const incidents = await engine.runOnce(src, 'incidents');
        const changes = await engine.runOnce(src, 'changes');
        expect(incidents).toMatchObject({ status: 'succeeded', deleted: 2 });
        expect(changes).toMatchObject({ status: 'succeeded', deleted: 2 });
        await expectIncidentsMatch(knex, url);
        await expectChangesMatch(knex, url);
        expect(
          await knex('itops_incidents').whereIn(
            'external_id',
            deleted.incident,
          ),
        ).toEqual([]);

        // Refused (the usual role): only deletion detection is lost, and
        // the sync status says so; the reconcile removes the record.
        instance(sims).setQuirks({
          deleted: { tables: ['incident'], count: 1 },
          deniedTables: { sys_audit_delete: 403 },
        });
        clock.advance(5 * 60_000);
        instance(sims).tick(clock.now());
        const refused = await engine.runOnce(src, 'incidents');
        expect(refused).toMatchObject({
          status: 'succeeded',
          deleted: 0,
          partial: [
            expect.objectContaining({
              call: 'GET /api/now/table/sys_audit_delete',
              reason: '403 Forbidden',
            }),
          ],
        });
        expect(refused.written).toBeGreaterThan(0);
        const full = await engine.runOnce(src, 'incidents', { full: true });
        expect(full).toMatchObject({ status: 'succeeded', deleted: 1 });
        await expectIncidentsMatch(knex, url);
      }),
  );

  it('does not ask sys_audit_delete unless configured to', async () => {
    const clock = new FixedClock(NOW);
    const sims = await start(clock, {
      quirks: { deniedTables: { sys_audit_delete: 404 } },
    });
    try {
      const asked: string[] = [];
      const counting: typeof fetch = async (input, init) => {
        asked.push(new URL(String(input)).pathname);
        return fetch(input, init);
      };
      const src = source(
        sims.urls.servicenow,
        clock,
        BASIC,
        {},
        { fetch: counting },
      );
      for await (const _ of src.readers.incidents!.read({
        full: false,
        watermark: '2026-11-25T11:00:00.000Z',
        signal: new AbortController().signal,
        mappedKeys: async () => [],
      })) {
        // drain
      }
      expect(asked.length).toBeGreaterThan(0);
      expect(asked).not.toContain('/api/now/table/sys_audit_delete');
    } finally {
      await sims.close();
    }
  });

  it.each(databases.eachSupportedId())(
    "keeps two instances apart: one's deletions and watermark leave the other's records alone, on %p",
    async databaseId => {
      const knex = await setUp(databaseId);
      const clock = new FixedClock(NOW);
      // The same seeded world twice: the same sys_ids on both instances.
      const east = await start(clock, {
        quirks: {
          futureDated: { tables: ['incident'], count: 2, aheadSeconds: 86_400 },
        },
      });
      const west = await start(clock);
      try {
        const sources = [east, west].map((sims, i) =>
          source(
            sims.urls.servicenow,
            clock,
            BASIC,
            { deletions: { auditTable: true } },
            {},
            i === 0 ? 'east' : 'west',
          ),
        );
        const engines = sources.map(src => engineFor(knex, src));
        for (const [i, src] of sources.entries()) {
          await engines[i].runOnce(src, 'incidents', { full: true });
        }
        const count = async (instanceName: string) =>
          Number(
            (
              await knex('itops_incidents')
                .where('source_instance', instanceName)
                .count({ n: '*' })
            )[0].n,
          );
        const westBefore = await count('west');
        const { deleted } = instance(east).setQuirks({
          deleted: { tables: ['incident'], count: 3 },
        });
        clock.advance(5 * 60_000);
        const result = await engines[0].runOnce(sources[0], 'incidents');
        expect(result.deleted).toBe(3);
        expect(await count('west')).toBe(westBefore);
        const [{ n }] = await knex('itops_incidents')
          .where('source_instance', 'west')
          .whereIn('external_id', deleted.incident)
          .count({ n: '*' });
        expect(Number(n)).toBe(3);
        const states = await knex('itops_sync_state')
          .where('capability', 'incidents')
          .orderBy('source_instance');
        expect(states.map(r => [r.source_instance, r.watermark])).toEqual([
          ['east', new Date(clock.now().getTime() - 120_000).toISOString()],
          ['west', expect.any(String)],
        ]);
      } finally {
        await east.close();
        await west.close();
      }
    },
  );
});
