import type { MappingKey } from '@backstage-itops/plugin-itops-common';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { changeTable, incidentTable } from '../database/recordTables';
import { itopsPlugin } from '../plugin';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(60_000);

const payments: MappingKey = { type: 'servicenow-service', value: 'payments' };
const PATH = '/api/itops/incidents/servicenow/production';

describe('GET /incidents/{sourceType}/{sourceInstance}/{externalId}', () => {
  const databases = createTestDatabases();

  async function start(databaseId: TestDatabaseId, deny: string[] = []) {
    const knex = await databases.init(databaseId);
    const fixtures = await ItopsFixtures.create(knex);
    await fixtures.entity('component:default/payments', [payments]);
    await fixtures.entity('system:default/billing', [payments]);
    await fixtures.record(incidentTable, {
      externalId: 'a1b2c3',
      number: 'INC0010001',
      title: 'Card payments fail',
      state: 'resolved',
      priority: 1,
      openedAt: '2026-12-01T10:00:00.000Z',
      acknowledgedAt: '2026-12-01T10:04:00.000Z',
      resolvedAt: '2026-12-01T11:30:00.000Z',
      assignmentGroup: 'Payments SRE',
      slaMet: false,
      url: 'https://sn.example.com/incident.do?sys_id=a1b2c3',
      postIncidentReview: { reference: 'PRB0040001', completed: false },
      linkedChanges: [
        {
          externalId: 'chg-synced',
          reference: 'CHG0030001',
          relation: 'caused_by',
          url: 'https://sn.example.com/change_request.do?sys_id=chg-synced',
        },
        // Hidden from the integration user: never synced, named by sys_id.
        {
          externalId: 'chg-hidden',
          reference: 'chg-hidden',
          relation: 'related',
        },
        // Synced, but no entity shows it.
        {
          externalId: 'chg-unmapped',
          reference: 'CHG0030003',
          relation: 'related',
        },
      ],
      keys: [payments],
    });
    await fixtures.record(changeTable, {
      externalId: 'chg-synced',
      number: 'CHG0030001',
      title: 'Rotate the payment gateway certificates',
      type: 'normal',
      state: 'closed',
      plannedStart: '2026-12-01T08:00:00.000Z',
      plannedEnd: '2026-12-01T09:00:00.000Z',
      outcome: 'unsuccessful',
      url: 'https://sn.example.com/change_request.do?sys_id=chg-synced',
      keys: [payments],
    });
    await fixtures.record(changeTable, {
      externalId: 'chg-unmapped',
      number: 'CHG0030003',
      title: 'Printer firmware',
      type: 'standard',
      state: 'closed',
      keys: [{ type: 'servicenow-service', value: 'printers' }],
    });
    // Stored, but no entity maps to it.
    await fixtures.record(incidentTable, {
      externalId: 'unmapped',
      number: 'INC0010002',
      title: 'Printer on fire',
      state: 'new',
      priority: 4,
      openedAt: '2026-12-01T12:00:00.000Z',
      keys: [{ type: 'servicenow-service', value: 'printers' }],
    });
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
        mockServices.rootConfig.factory({ data: { itops: {} } }),
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        catalogServiceMock.factory(),
        permissions.factory,
      ],
    });
    return (path: string) =>
      request(server)
        .get(path)
        .set('Authorization', mockCredentials.user.header());
  }

  it.each(databases.eachSupportedId())(
    'returns the incident and its entities on %p',
    async databaseId => {
      const get = await start(databaseId);
      const response = await get(`${PATH}/a1b2c3`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        incident: expect.objectContaining({
          sourceType: 'servicenow',
          sourceInstance: 'production',
          externalId: 'a1b2c3',
          number: 'INC0010001',
          state: 'resolved',
          priority: 1,
          openedAt: '2026-12-01T10:00:00.000Z',
          acknowledgedAt: '2026-12-01T10:04:00.000Z',
          resolvedAt: '2026-12-01T11:30:00.000Z',
          assignmentGroup: 'Payments SRE',
          slaMet: false,
          url: 'https://sn.example.com/incident.do?sys_id=a1b2c3',
          postIncidentReview: expect.objectContaining({
            reference: 'PRB0040001',
            completed: false,
          }),
        }),
        entityRefs: ['component:default/payments', 'system:default/billing'],
        linkedChanges: expect.any(Array),
      });
      expect(response.body.incident).not.toHaveProperty('keys');
    },
  );

  it.each(databases.eachSupportedId())(
    'resolves linked changes against the synced changes and names the rest honestly on %p',
    async databaseId => {
      const get = await start(databaseId);
      const response = await get(`${PATH}/a1b2c3`);
      expect(response.status).toBe(200);
      const [synced, hidden, unmapped] = response.body.linkedChanges;
      expect(response.body.linkedChanges).toHaveLength(3);
      expect(synced).toEqual({
        externalId: 'chg-synced',
        reference: 'CHG0030001',
        relation: 'caused_by',
        url: 'https://sn.example.com/change_request.do?sys_id=chg-synced',
        change: expect.objectContaining({
          sourceType: 'servicenow',
          sourceInstance: 'production',
          number: 'CHG0030001',
          title: 'Rotate the payment gateway certificates',
          state: 'closed',
          plannedStart: '2026-12-01T08:00:00.000Z',
          plannedEnd: '2026-12-01T09:00:00.000Z',
        }),
      });
      expect(synced.change).not.toHaveProperty('keys');
      expect(hidden).toEqual({
        externalId: 'chg-hidden',
        reference: 'chg-hidden',
        relation: 'related',
        unresolved: 'not_synced',
      });
      // A change no entity shows stays as unseen as elsewhere in the API.
      expect(unmapped).toEqual(
        expect.objectContaining({
          reference: 'CHG0030003',
          unresolved: 'not_synced',
        }),
      );
      expect(JSON.stringify(response.body)).not.toContain('Printer firmware');
    },
  );

  it.each(databases.eachSupportedId())(
    'gives bare references to a caller without itops.change.read on %p',
    async databaseId => {
      const get = await start(databaseId, ['itops.change.read']);
      const response = await get(`${PATH}/a1b2c3`);
      expect(response.status).toBe(200);
      expect(response.body.linkedChanges).toEqual([
        expect.objectContaining({
          reference: 'CHG0030001',
          unresolved: 'not_permitted',
        }),
        expect.objectContaining({
          reference: 'chg-hidden',
          unresolved: 'not_permitted',
        }),
        expect.objectContaining({
          reference: 'CHG0030003',
          unresolved: 'not_permitted',
        }),
      ]);
      expect(JSON.stringify(response.body.linkedChanges)).not.toContain(
        'Rotate the payment gateway',
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'answers a missing and an unmapped incident alike on %p',
    async databaseId => {
      const get = await start(databaseId);
      const missing = await get(`${PATH}/nope`);
      const unmapped = await get(`${PATH}/unmapped`);
      const otherInstance = await get(
        '/api/itops/incidents/servicenow/staging/a1b2c3',
      );
      for (const response of [missing, unmapped, otherInstance]) {
        expect(response.status).toBe(404);
        expect(response.body.error.name).toBe('NotFoundError');
        expect(JSON.stringify(response.body)).not.toContain('Printer');
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects malformed ids and callers without itops.incident.read on %p',
    async databaseId => {
      const get = await start(databaseId, ['itops.incident.read']);
      const bad = await get(`${PATH}/${'x'.repeat(300)}`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/externalId/);
      const badType = await get(
        '/api/itops/incidents/Service%20Now/production/a1b2c3',
      );
      expect(badType.status).toBe(400);
      expect(badType.body.error.message).toMatch(/sourceType/);
      const denied = await get(`${PATH}/a1b2c3`);
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toContain('itops.incident.read');
    },
  );
});
