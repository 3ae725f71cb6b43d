import { ConfigReader } from '@backstage/config';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { ComplianceEngine } from './ComplianceEngine';
import { readComplianceSettings } from './config';
import type { EvaluatedEntity } from './model';
import { SnapshotStore } from './SnapshotStore';
import { WaiverStore } from './WaiverStore';

jest.setTimeout(60_000);

const NOW = Date.parse('2026-06-15T12:00:00Z');
const REF = 'component:default/payments';

const payments: EvaluatedEntity = {
  entityRef: REF,
  kind: 'component',
  ownerRef: 'group:default/payments-team',
  ownerState: 'group',
  lifecycle: 'production',
  tier: 1,
  annotations: { 'itops.io/personal-data': 'true' },
};

describe('checks over a source that is not configured', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'are no_data with the reason "source not configured", never a pass or n/a, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await ItopsFixtures.create(knex);
      const snapshots = new SnapshotStore(knex);
      const engine = new ComplianceEngine({
        knex,
        settings: readComplianceSettings(new ConfigReader({})),
        facts: {
          all: async () => [payments],
          one: async () => payments,
        },
        snapshots,
        waivers: new WaiverStore(knex, { maxWaiverDays: 365 }),
        now: () => NOW,
      });

      await engine.evaluateAll('manual');
      const results = new Map(
        (await snapshots.entityResults(REF)).map(r => [r.checkId, r]),
      );
      // No breach source is not "no breaches"; no change source is not
      // "no change in a freeze"; no backup source is not "no backup needed".
      for (const id of [
        'NTF-01',
        'INC-04',
        'CHG-04',
        'BKP-01',
        'BKP-02',
        'OC-01',
      ]) {
        expect(results.get(id)).toMatchObject({ status: 'no_data' });
        expect(results.get(id)?.reason).toMatch(/^Source not configured/);
      }
      // Catalog facts need no source.
      expect(results.get('PRIV-01')?.status).toBe('pass');

      // Once an incident source has synced, an empty breach population is
      // a real "no breach" again.
      await knex('itops_sync_state').insert({
        source_type: 'servicenow',
        source_instance: 'production',
        capability: 'incidents',
        last_success_at: new Date(NOW - 60_000),
        record_count: 0,
      });
      await engine.evaluateAll('manual');
      const after = new Map(
        (await snapshots.entityResults(REF)).map(r => [r.checkId, r]),
      );
      expect(after.get('NTF-01')?.status).toBe('not_applicable');
      expect(after.get('CHG-04')?.reason).toMatch(/^Source not configured/);
    },
  );
});
