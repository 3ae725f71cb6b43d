import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { SyncStore } from '../sync/SyncStore';
import { incident } from '../sync/__testUtils__/fakeSource';
import { incidentTable } from './recordTables';

jest.setTimeout(60_000);

const directory = resolvePackagePath(
  '@backstage-itops/plugin-itops-backend',
  'migrations',
);
const MIGRATION = '20261126100000_incident_compliance_fields.js';
const COLUMNS = [
  'assigned_at',
  'review_reference',
  'review_url',
  'review_completed',
  'review_completed_at',
  'notification_delay_reason',
];

const source = { type: 'servicenow', instance: 'production' };

describe('incident compliance fields', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'are written by the sync and read back as the record, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      const store = SyncStore.create(knex);
      const reviewed = incident('a', {
        assignedAt: '2026-11-01T09:04:00.000Z',
        postIncidentReview: {
          reference: 'PRB0040001',
          url: 'https://example.service-now.com/problem/1',
          completed: true,
          completedAt: '2026-11-05T16:00:00.000Z',
          rootCause: 'Connection pool exhausted by a retry storm',
        },
        personalDataBreach: true,
        breachAwareAt: '2026-11-01T10:00:00.000Z',
        authorityNotifiedAt: '2026-11-05T10:00:00.000Z',
        notificationDelayReason: 'Scope confirmed by forensics on day 4',
      });
      await store.writeBatch(
        source,
        'incidents',
        [reviewed, incident('b')],
        'sync-1',
      );
      const rows = await knex(incidentTable.table).orderBy('external_id');
      const [a, b] = rows.map(row => incidentTable.fromRow(row));
      expect(a).toMatchObject({
        assignedAt: reviewed.assignedAt,
        postIncidentReview: reviewed.postIncidentReview,
        notificationDelayReason: reviewed.notificationDelayReason,
      });
      // Unknown stays unknown: no review, no assignment time, no reason.
      expect(b.assignedAt).toBeUndefined();
      expect(b.postIncidentReview).toBeUndefined();
      expect(b.notificationDelayReason).toBeUndefined();

      // A review with its reference only keeps completion unknown.
      await store.writeBatch(
        source,
        'incidents',
        [incident('b', { postIncidentReview: { reference: 'OPS-7' } })],
        'sync-2',
      );
      const [row] = await knex(incidentTable.table).where('external_id', 'b');
      expect(incidentTable.fromRow(row).postIncidentReview).toEqual({
        reference: 'OPS-7',
        url: undefined,
        completed: undefined,
        completedAt: undefined,
        rootCause: undefined,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'migrate down and up again, keeping the incidents, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory });
      await SyncStore.create(knex).writeBatch(
        source,
        'incidents',
        [incident('a', { assignedAt: '2026-11-01T09:04:00.000Z' })],
        'sync-1',
      );
      const later = (await knex.migrate.list({ directory }))[0]
        .map((m: { name?: string; file?: string } | string) =>
          typeof m === 'string' ? m : m.name ?? m.file ?? '',
        )
        .filter((name: string) => name > MIGRATION)
        .sort()
        .reverse();
      for (const name of later) {
        await knex.migrate.down({ directory, name });
      }
      await knex.migrate.down({ directory, name: MIGRATION });
      for (const column of COLUMNS) {
        expect([
          column,
          await knex.schema.hasColumn('itops_incidents', column),
        ]).toEqual([column, false]);
      }
      expect(await knex('itops_incidents').pluck('external_id')).toEqual(['a']);

      await knex.migrate.latest({ directory });
      for (const column of COLUMNS) {
        expect([
          column,
          await knex.schema.hasColumn('itops_incidents', column),
        ]).toEqual([column, true]);
      }
    },
  );
});
