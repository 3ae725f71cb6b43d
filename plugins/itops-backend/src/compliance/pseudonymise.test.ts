import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  applyPseudonymisation,
  pseudonymOfRef,
  readPseudonymisation,
} from './pseudonymise';
import { readComplianceSettings } from './config';
import { withRetentionPermit } from './retentionPermit';
import { SnapshotStore, type NewResult } from './SnapshotStore';

jest.setTimeout(120_000);

const directory = resolvePackagePath(
  '@backstage-itops/plugin-itops-backend',
  'migrations',
);
const KEY = 'k'.repeat(40);
const NOW = Date.parse('2027-06-15T12:00:00Z');
const MONTH = 31 * 24 * 3600 * 1000;

const result = (people: string[]): NewResult => ({
  entityRef: 'component:default/payments',
  checkId: 'OC-02',
  checkVersion: 1,
  status: 'pass',
  reason: 'staffed',
  evidence: [
    { type: 'escalation-level', id: 'level 1', note: people.join(', ') },
    { type: 'annotation', id: 'owner', note: 'asked user:default/Jane.Doe' },
  ],
});

const waiver = (id: string, requestedAt: number, by: string, dec: string) => ({
  id,
  check_id: 'CHG-01',
  entity_ref: 'component:default/payments',
  justification: 'migration',
  requested_by: by,
  requested_at: requestedAt,
  expires_at: requestedAt + MONTH,
  status: 'approved',
  decided_by: dec,
  decided_at: requestedAt + 1,
});

describe('pseudonymisation by the retention job', () => {
  const databases = createTestDatabases();

  it('reads its settings and refuses short keys without echoing them', () => {
    expect(readPseudonymisation(new ConfigReader({}))).toEqual({
      afterMonths: 13,
    });
    expect(() =>
      readPseudonymisation(
        new ConfigReader({
          itops: { compliance: { retention: { pseudonymKey: 'short-key' } } },
        }),
      ),
    ).toThrow(/at least 32 characters$/);
    let message = '';
    try {
      readPseudonymisation(
        new ConfigReader({
          itops: { compliance: { retention: { pseudonymKey: 'short-key' } } },
        }),
      );
    } catch (e) {
      message = String(e);
    }
    expect(message).toMatch(/pseudonymKey/);
    expect(message).not.toContain('short-key');
    expect(() =>
      readPseudonymisation(
        new ConfigReader({
          itops: { compliance: { retention: { pseudonymiseAfterMonths: 0 } } },
        }),
      ),
    ).toThrow(/pseudonymiseAfterMonths/);
  });

  it.each(databases.eachSupportedId())(
    'pseudonymises old records only, stably, keeping verification, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      const store = new SnapshotStore(knex);
      const old = await store.write({
        takenAt: NOW - 14 * MONTH,
        trigger: 'scheduled',
        scope: 'all',
        catalogue: {},
        entityCount: 1,
        durationMs: 1,
        results: [result(['Jane Doe', 'Bob Roe'])],
      });
      const recent = await store.write({
        takenAt: NOW - MONTH,
        trigger: 'scheduled',
        scope: 'all',
        catalogue: {},
        entityCount: 1,
        durationMs: 1,
        results: [result(['Jane Doe'])],
      });
      await knex('itops_compliance_waivers').insert([
        waiver(
          'w-old',
          NOW - 14 * MONTH,
          'user:default/jane.doe',
          'user:default/bob.roe',
        ),
        waiver(
          'w-old2',
          NOW - 15 * MONTH,
          'User:default/Bob.Roe',
          'user:default/ann',
        ),
        waiver(
          'w-new',
          NOW - MONTH,
          'user:default/jane.doe',
          'user:default/bob.roe',
        ),
        // Requested long ago but still open: its requester stays readable.
        {
          ...waiver(
            'w-open',
            NOW - 14 * MONTH,
            'user:default/cy',
            'user:default/dee',
          ),
          expires_at: NOW + MONTH,
        },
      ]);
      await knex('itops_compliance_audit').insert({
        at: NOW - 14 * MONTH,
        actor: 'user:default/jane.doe',
        action: 'waiver.request',
        object_type: 'waiver',
        object_id: 'w-old',
        after: JSON.stringify({ requestedBy: 'user:default/jane.doe' }),
      });

      const auditor = mockServices.auditor.mock();
      const events: unknown[] = [];
      auditor.createEvent.mockImplementation(async e => {
        events.push(e);
        return {
          success: async s => void events.push(s),
          fail: async f => void events.push(f),
        };
      });
      const run = await applyPseudonymisation({
        knex,
        auditor,
        settings: { afterMonths: 13, key: KEY },
        now: NOW,
      });
      expect(run.rows.itops_compliance_waivers).toBe(2);
      expect(run.rows.itops_compliance_audit).toBe(1);
      expect(run.snapshots).toBe(1);
      expect(JSON.stringify(events)).not.toContain(KEY);

      const waivers = await knex('itops_compliance_waivers').orderBy('id');
      const jane = pseudonymOfRef(KEY, 'user:default/jane.doe');
      const bob = pseudonymOfRef(KEY, 'user:default/bob.roe');
      expect(jane).toMatch(/^user:pseudonymised\/[0-9a-f]{32}$/);
      expect(waivers.map(w => [w.id, w.requested_by, w.decided_by])).toEqual([
        ['w-new', 'user:default/jane.doe', 'user:default/bob.roe'],
        ['w-old', jane, bob],
        // Case-insensitive: the same person, the same pseudonym.
        ['w-old2', bob, pseudonymOfRef(KEY, 'user:default/ann')],
        ['w-open', 'user:default/cy', 'user:default/dee'],
      ]);
      // Requester ≠ approver still holds on pseudonyms.
      for (const w of waivers) expect(w.requested_by).not.toBe(w.decided_by);
      const audit = await knex('itops_compliance_audit').first();
      expect(audit.actor).toBe(jane);
      expect(JSON.parse(audit.after)).toEqual({ requestedBy: jane });

      const [oldResult] = await store.results(old.id);
      const [recentResult] = await store.results(recent.id);
      expect(JSON.stringify(oldResult.evidence)).not.toMatch(/Jane|Bob/i);
      expect(recentResult.evidence[0].note).toBe('Jane Doe');
      const oldNames = String(oldResult.evidence[0].note).split(', ');
      expect(oldNames).toHaveLength(2);
      expect(oldResult.evidence[1].note).toBe(`asked ${jane}`);

      expect(await store.verify()).toMatchObject({ ok: true, broken: [] });
      expect(
        (await store.integrity(old.id, await store.results(old.id)))
          .contentHashMatches,
      ).toBe(true);

      // A second run rewrites nothing and keeps the same pseudonyms.
      const again = await applyPseudonymisation({
        knex,
        auditor,
        settings: { afterMonths: 13, key: KEY },
        now: NOW,
      });
      expect(again.snapshots).toBe(0);
      expect(Object.values(again.rows).every(n => n === 0)).toBe(true);
      const [reread] = await store.results(old.id);
      expect(reread.evidence[0].note).toBe(oldResult.evidence[0].note);

      // Direct UPDATEs stay refused, and so does a hand-made record.
      await expect(
        knex('itops_compliance_waivers')
          .where('id', 'w-new')
          .update({ requested_by: 'user:default/x' }),
      ).rejects.toThrow(/append-only/);
      await expect(
        knex('itops_compliance_results')
          .where('snapshot_id', old.id)
          .update({ evidence: '[]' }),
      ).rejects.toThrow(/append-only/);
      await expect(
        knex('itops_compliance_pseudonymisations').insert({
          snapshot_id: recent.id,
          at: NOW,
          before_hash: 'a',
          after_hash: 'b',
          chain_hash: 'c',
        }),
      ).rejects.toThrow(/retention job/);
      await expect(
        knex('itops_compliance_audit').update({ actor: 'x' }),
      ).rejects.toThrow(/append-only/);
    },
  );

  it.each(databases.eachSupportedId())(
    'fails verification when pseudonymised evidence is tampered with, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      const store = new SnapshotStore(knex);
      const old = await store.write({
        takenAt: NOW - 14 * MONTH,
        trigger: 'scheduled',
        scope: 'all',
        catalogue: {},
        entityCount: 1,
        durationMs: 1,
        results: [result(['Jane Doe'])],
      });
      await applyPseudonymisation({
        knex,
        auditor: mockServices.auditor.mock(),
        settings: { afterMonths: 13, key: KEY },
        now: NOW,
      });
      expect((await store.verify()).ok).toBe(true);
      // Someone with the guard's marker rewrites the evidence.
      await knex.transaction(trx =>
        withRetentionPermit(trx, NOW, () =>
          trx('itops_compliance_results')
            .where('snapshot_id', old.id)
            .update({ evidence: '[]' }),
        ),
      );
      const verdict = await store.verify();
      expect(verdict.ok).toBe(false);
      expect(verdict.broken).toEqual([
        {
          snapshotId: old.id,
          problem: expect.stringContaining('not the recorded content hash'),
        },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'its migration goes down to refusing every update and up again, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      await knex('itops_compliance_waivers').insert(
        waiver('w', NOW - 14 * MONTH, 'user:default/a', 'user:default/b'),
      );
      const update = (trx: typeof knex) =>
        trx('itops_compliance_waivers')
          .where('id', 'w')
          .update({ requested_by: 'user:default/c' });
      await knex.migrate.down({
        directory,
        name: '20261208170000_compliance_pseudonymisation.js',
      });
      expect(
        await knex.schema.hasTable('itops_compliance_pseudonymisations'),
      ).toBe(false);
      await expect(
        knex.transaction(trx =>
          withRetentionPermit(trx, NOW, () => update(trx)),
        ),
      ).rejects.toThrow(/append-only/);
      await knex.migrate.latest({ directory });
      await expect(update(knex)).rejects.toThrow(/append-only/);
      await knex.transaction(trx =>
        withRetentionPermit(trx, NOW, () => update(trx)),
      );
      expect(
        (await knex('itops_compliance_waivers').first()).requested_by,
      ).toBe('user:default/c');
    },
  );

  it('keeps the key out of the settings the API serves', () => {
    const config = new ConfigReader({
      itops: { compliance: { retention: { pseudonymKey: KEY } } },
    });
    expect(readPseudonymisation(config).key).toBe(KEY);
    expect(JSON.stringify(readComplianceSettings(config))).not.toContain(KEY);
  });

  it('refuses to run without a key', async () => {
    await expect(
      applyPseudonymisation({
        knex: {} as any,
        auditor: mockServices.auditor.mock(),
        settings: { afterMonths: 13 },
        now: NOW,
      }),
    ).rejects.toThrow(/pseudonymKey is not set/);
  });
});
