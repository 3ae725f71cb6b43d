import type { Entity } from '@backstage/catalog-model';
import {
  mockServices,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { COMPLIANCE_CHECKS } from '@backstage-itops/plugin-itops-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { startComplianceBackend } from './__testUtils__/complianceBackend';
import { AttestationStore } from './AttestationStore';
import { WaiverStore } from './WaiverStore';

jest.setTimeout(90_000);

const REF = 'component:default/payments';
const ALICE = 'user:default/alice'; // member of the owning team
const BOB = 'user:default/bob'; // neither owner nor attester
const CAROL = 'user:default/carol'; // holds itops.compliance.attest
const TEAM = 'group:default/payments-team';
const DAY = 86_400_000;
const inDays = (days: number) =>
  new Date(Date.now() + days * DAY).toISOString();
const MANUAL = 'A.5.1';
const AUTOMATED = 'A.8.13';
const PATH = `/compliance/controls/iso27001-2022/${MANUAL}/attestations`;

const catalog: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations: { 'itops.io/tier': '1' },
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

const body = (over: Record<string, unknown> = {}) => ({
  entityRef: REF,
  statement: 'The security policy set was reviewed and signed off',
  evidenceUrl: 'https://wiki.example/policies/review-2026',
  expiresAt: inDays(180),
  ...over,
});

describe('attestations', () => {
  const databases = createTestDatabases();

  it('uses a control no check evidences and one that a check does', () => {
    const mapped = (control: string) =>
      COMPLIANCE_CHECKS.some(c =>
        c.mappings.some(
          m => m.framework === 'iso27001-2022' && m.control === control,
        ),
      );
    expect(mapped(MANUAL)).toBe(false);
    expect(mapped(AUTOMATED)).toBe(true);
  });

  async function start(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await ItopsFixtures.create(knex);
    const permissions = mockServices.permissions.mock({
      authorize: async (requests, options) => {
        const user = (options?.credentials.principal as any)?.userEntityRef;
        return requests.map(({ permission }) => ({
          result:
            permission.name === 'itops.compliance.attest' && user !== CAROL
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })) as any;
      },
    });
    const userInfo = mockServices.userInfo.mock({
      getUserInfo: async credentials => {
        const userEntityRef = (credentials.principal as any).userEntityRef;
        return {
          userEntityRef,
          ownershipEntityRefs:
            userEntityRef === ALICE
              ? [userEntityRef, 'Group:default/Payments-Team']
              : [userEntityRef],
        };
      },
    });
    const auditor = mockServices.auditor.mock();
    const events: string[] = [];
    auditor.createEvent.mockImplementation(async ({ eventId, meta }) => ({
      success: async () => {
        events.push(`${eventId}:${(meta as any)?.action}:success`);
      },
      fail: async () => {
        events.push(`${eventId}:${(meta as any)?.action}:fail`);
      },
    }));
    const { as } = await startComplianceBackend({
      knex,
      catalog,
      config: { itops: { compliance: { maxAttestationDays: 200 } } },
      features: [permissions.factory, auditor.factory, userInfo.factory],
    });
    expect((await as(ALICE).post('/compliance/evaluate')).status).toBe(201);
    return { knex, alice: as(ALICE), bob: as(BOB), carol: as(CAROL), events };
  }

  it.each(databases.eachSupportedId())(
    'an owner attests a manual control: attested, superseded by the next, revoked, all appended and audited, %p',
    async databaseId => {
      const { knex, alice, carol, events } = await start(databaseId);
      const before = await alice.get(PATH);
      expect(before.status).toBe(200);
      expect(before.body.entities).toEqual([]);

      const first = await alice.post(PATH, body());
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        control: MANUAL,
        entityRef: REF,
        attestedBy: ALICE,
        state: 'active',
        events: [{ event: 'attested', actor: ALICE }],
      });
      let view = (await alice.get(PATH)).body;
      expect(view.entities).toEqual([
        expect.objectContaining({
          entityRef: REF,
          // The evaluated owner, so the UI can offer its members Attest.
          ownerRef: TEAM,
          status: 'attested',
          automatedStatus: 'manual',
          attestationId: first.body.id,
        }),
      ]);

      // A holder of the permission attests again: the first is superseded.
      const second = await carol.post(
        PATH,
        body({ evidenceUrl: 'https://wiki.example/policies/review-2026b' }),
      );
      expect(second.status).toBe(201);
      view = (await alice.get(PATH)).body;
      expect(view.history.map((a: any) => [a.id, a.state])).toEqual([
        [second.body.id, 'active'],
        [first.body.id, 'superseded'],
      ]);
      expect(view.history[1].events.map((e: any) => e.event)).toEqual([
        'attested',
        'superseded',
      ]);
      expect(view.entities[0].attestationId).toBe(second.body.id);

      const revoked = await alice.post(
        `/compliance/attestations/${second.body.id}/revoke`,
        { reason: 'policy withdrawn' },
      );
      expect(revoked.status).toBe(200);
      expect(revoked.body.state).toBe('revoked');
      view = (await alice.get(PATH)).body;
      expect(view.entities[0].status).toBe('manual');
      // Revoking twice is refused, naming why.
      const again = await alice.post(
        `/compliance/attestations/${second.body.id}/revoke`,
        { reason: 'again' },
      );
      expect(again.status).toBe(400);
      expect(again.body.error.message).toMatch(/already revoked/);

      // Two attestations and their four events, nothing rewritten.
      expect(await knex('itops_compliance_attestations')).toHaveLength(2);
      const rows = await knex('itops_compliance_attestation_events').orderBy(
        'id',
      );
      expect(rows.map(r => r.event)).toEqual([
        'attested',
        'attested',
        'superseded',
        'revoked',
      ]);
      const audit = await knex('itops_compliance_audit')
        .where('object_type', 'attestation')
        .orderBy('id');
      expect(audit.map(r => [r.action, r.actor])).toEqual([
        ['attestation.attest', ALICE],
        ['attestation.attest', CAROL],
        ['attestation.revoke', ALICE],
      ]);
      expect(
        events.filter(e => e.startsWith('compliance-attestation')),
      ).toEqual([
        'compliance-attestation:attest:success',
        'compliance-attestation:attest:success',
        'compliance-attestation:revoke:success',
        'compliance-attestation:revoke:fail',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses bad input naming the field, unknown controls by name, and attesters who are neither owner nor permitted, %p',
    async databaseId => {
      const { knex, alice, bob } = await start(databaseId);
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [body({ entityRef: undefined }), /'entityRef'/],
        [body({ statement: '  ' }), /'statement'/],
        [body({ evidenceUrl: undefined }), /'evidenceUrl'/],
        [
          body({ evidenceUrl: 'ftp://files.example/review' }),
          /'evidenceUrl'.*http/,
        ],
        [body({ expiresAt: 'soon' }), /'expiresAt'/],
        [body({ expiresAt: inDays(-1) }), /'expiresAt' must lie in the future/],
        [body({ expiresAt: inDays(201) }), /more than 200 days/],
      ];
      for (const [input, message] of cases) {
        const res = await alice.post(PATH, input);
        expect([res.status, res.body.error?.message]).toEqual([
          400,
          expect.stringMatching(message),
        ]);
      }
      const unknown = await alice.post(
        '/compliance/controls/iso27001-2022/A.9.99/attestations',
        body(),
      );
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toContain("'A.9.99'");
      const framework = await alice.get(
        '/compliance/controls/iso9001/A.5.1/attestations',
      );
      expect(framework.status).toBe(404);
      expect(framework.body.error.message).toContain("'iso9001'");
      const entity = await alice.post(
        PATH,
        body({ entityRef: 'component:default/nope' }),
      );
      expect(entity.status).toBe(404);
      expect(entity.body.error.message).toContain('component:default/nope');

      const denied = await bob.post(PATH, body());
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toContain('itops.compliance.attest');
      // Nothing half-written by any refused request.
      expect(await knex('itops_compliance_attestations')).toEqual([]);
      expect(await knex('itops_compliance_attestation_events')).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'an expired attestation is no_data "attestation expired"; the register answers as of a time; expiring ones are listed, %p',
    async databaseId => {
      const { alice } = await start(databaseId);
      const created = await alice.post(PATH, body({ expiresAt: inDays(20) }));
      expect(created.status).toBe(201);

      const expiring = await alice.get(
        '/compliance/attestations/expiring?days=30',
      );
      expect(expiring.body.items.map((a: any) => a.id)).toEqual([
        created.body.id,
      ]);
      expect(
        (await alice.get('/compliance/attestations/expiring?days=10')).body
          .items,
      ).toEqual([]);
      expect(
        (await alice.get('/compliance/attestations/expiring?days=0')).status,
      ).toBe(400);

      const after = await alice.get(`${PATH}?at=${inDays(21)}`);
      expect(after.body.entities).toEqual([
        expect.objectContaining({
          entityRef: REF,
          status: 'no_data',
          reason: 'attestation expired',
        }),
      ]);
      expect(after.body.history[0].state).toBe('expired');
      // Before it was made, nothing was attested.
      const earlier = await alice.get(`${PATH}?at=${inDays(-1)}`);
      expect(earlier.body.entities).toEqual([]);
      expect(
        (await alice.get(`/compliance/attestations?control=${MANUAL}`)).body
          .items,
      ).toHaveLength(1);
      expect(
        (await alice.get(`/compliance/attestations?at=${inDays(-1)}`)).body
          .items,
      ).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'an attestation beside an automated check never overrides its status, %p',
    async databaseId => {
      const { alice } = await start(databaseId);
      const path = `/compliance/controls/iso27001-2022/${AUTOMATED}/attestations`;
      expect((await alice.post(path, body())).status).toBe(201);
      const view = (await alice.get(path)).body;
      expect(view.checks.length).toBeGreaterThan(0);
      const [entity] = view.entities;
      expect(entity.automatedStatus).not.toBe('manual');
      expect(entity.status).toBe(entity.automatedStatus);
      expect(entity.status).not.toBe('attested');
    },
  );

  it.each(databases.eachSupportedId())(
    'the register tables refuse UPDATE and DELETE, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await ItopsFixtures.create(knex);
      const store = new AttestationStore(
        knex,
        new WaiverStore(knex, { maxWaiverDays: 365 }),
      );
      const now = Date.parse('2026-06-15T12:00:00Z');
      const a = await store.attest(
        {
          framework: 'iso27001-2022',
          control: MANUAL,
          entityRef: 'Component:default/Payments',
          statement: 's',
          evidenceUrl: 'https://e.example',
          expiresAt: now + DAY,
        },
        ALICE,
        now,
      );
      expect(a.entityRef).toBe(REF);
      for (const table of [
        'itops_compliance_attestations',
        'itops_compliance_attestation_events',
      ]) {
        await expect(
          knex(table).update({ actor: 'x' } as any),
        ).rejects.toThrow();
        await expect(knex(table).delete()).rejects.toThrow(/append-only/);
      }
      expect((await store.get(a.id, now))?.state).toBe('active');
      expect((await store.get(a.id, now + DAY))?.state).toBe('expired');
    },
  );

  it.each(databases.eachSupportedId())(
    'the register migration goes down and up again with its guards, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const directory = resolvePackagePath(
        '@backstage-itops/plugin-itops-backend',
        'migrations',
      );
      await knex.migrate.latest({ directory });
      await knex.migrate.down({
        directory,
        name: '20261208110000_compliance_attestations_soa.js',
      });
      for (const table of [
        'itops_compliance_attestations',
        'itops_compliance_attestation_events',
        'itops_compliance_soa_versions',
      ]) {
        expect([table, await knex.schema.hasTable(table)]).toEqual([
          table,
          false,
        ]);
      }
      await knex.migrate.latest({ directory });
      await knex('itops_compliance_soa_versions').insert({
        version: 1,
        approved_by: ALICE,
        approved_at: 1,
        content: '{}',
        content_hash: 'a',
        chain_hash: 'b',
      });
      await expect(
        knex('itops_compliance_soa_versions').delete(),
      ).rejects.toThrow(/append-only/);
    },
  );
});
