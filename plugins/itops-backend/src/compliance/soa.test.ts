import type { Entity } from '@backstage/catalog-model';
import {
  mockServices,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { startComplianceBackend } from './__testUtils__/complianceBackend';

jest.setTimeout(120_000);

const ALICE = 'user:default/alice'; // compliance officer, may approve
const BOB = 'user:default/bob'; // may read only
const TEAM = 'group:default/payments-team';
const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString();

const catalog: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments', namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner: TEAM },
    relations: [{ type: 'ownedBy', targetRef: TEAM }],
  },
];

const soaConfig = (exclusions: unknown[]) => ({
  itops: { compliance: { soa: { exclusions } } },
});

describe('Statement of Applicability', () => {
  const databases = createTestDatabases();

  async function backend(knex: Knex, config: Record<string, unknown>) {
    const permissions = mockServices.permissions.mock({
      authorize: async (requests, options) => {
        const user = (options?.credentials.principal as any)?.userEntityRef;
        return requests.map(({ permission }) => ({
          result:
            permission.name === 'itops.compliance.waiver.approve' &&
            user !== ALICE
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })) as any;
      },
    });
    const { as } = await startComplianceBackend({
      knex,
      catalog,
      config,
      features: [permissions.factory],
    });
    return { alice: as(ALICE), bob: as(BOB) };
  }

  async function start(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await ItopsFixtures.create(knex);
    const first = await backend(
      knex,
      soaConfig([
        {
          control: 'A.7.5',
          justification: 'No premises of our own: cloud only',
        },
      ]),
    );
    expect((await first.alice.post('/compliance/evaluate')).status).toBe(201);
    return { knex, ...first };
  }

  it.each(databases.eachSupportedId())(
    'lists all 93 Annex A controls with applicability, implementation and checks, approved and exported, %p',
    async databaseId => {
      const { alice, bob, knex } = await start(databaseId);
      // An attestation in force makes a manual control "attested".
      const attested = await alice.post(
        '/compliance/controls/iso27001-2022/A.5.1/attestations',
        {
          entityRef: 'component:default/payments',
          statement: 'Policies reviewed',
          evidenceUrl: 'https://wiki.example/policies',
          expiresAt: inDays(90),
        },
      );
      expect(attested.status).toBe(201);

      expect((await bob.post('/compliance/soa/versions', {})).status).toBe(403);
      const created = await alice.post('/compliance/soa/versions', {
        comment: 'Management review 2026',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        version: 1,
        approvedBy: ALICE,
        comment: 'Management review 2026',
        prevHash: null,
      });
      const { entries } = created.body.content;
      expect(entries).toHaveLength(93);
      expect(new Set(entries.map((e: any) => e.control)).size).toBe(93);
      const byId = new Map(entries.map((e: any) => [e.control, e]));
      expect(byId.get('A.7.5')).toMatchObject({
        applicable: false,
        justification: 'No premises of our own: cloud only',
        implementation: 'excluded',
      });
      expect(byId.get('A.5.1')).toMatchObject({
        applicable: true,
        implementation: 'attested',
        checks: [],
        score: null,
        attestations: [
          expect.objectContaining({ id: attested.body.id, attestedBy: ALICE }),
        ],
      });
      const automated = byId.get('A.8.13') as any;
      expect(automated.implementation).toBe('automated');
      expect(automated.checks.length).toBeGreaterThan(0);
      expect(automated.judgedResults).toBeGreaterThan(0);
      expect(typeof automated.score).toBe('number');
      // Controls evidenced by catalog declarations are automated too.
      expect(byId.get('A.8.14')).toMatchObject({
        implementation: 'automated',
        checks: [{ id: 'RED-01', version: 1 }],
      });
      expect(byId.get('A.5.20')).toMatchObject({
        implementation: 'automated',
        checks: [{ id: 'SUP-01', version: 1 }],
      });
      expect(
        entries.filter((e: any) => e.implementation === 'manual').length,
      ).toBeGreaterThan(0);

      const list = await bob.get('/compliance/soa/versions');
      expect(list.body.items).toEqual([
        expect.objectContaining({ version: 1, approvedBy: ALICE }),
      ]);
      expect(list.body.items[0].content).toBeUndefined();

      const json = await bob.get(
        '/compliance/soa/versions/1/export?format=json',
      );
      expect(json.body.integrity).toMatchObject({ ok: true });
      expect(json.body.content.entries).toHaveLength(93);
      const csv = await bob.get('/compliance/soa/versions/1/export?format=csv');
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      const lines = csv.text.trim().split('\r\n');
      expect(lines).toHaveLength(94);
      expect(lines.find(l => l.startsWith('A.7.5,'))).toContain(
        'No premises of our own: cloud only',
      );
      const html = await bob.get(
        '/compliance/soa/versions/1/export?format=html',
      );
      expect(html.text).toContain('Statement of Applicability, version 1');
      expect(html.text).toContain('content and chain hashes verified');
      expect((html.text.match(/<tr><td>A\./g) ?? []).length).toBe(93);
      expect(
        (await bob.get('/compliance/soa/versions/1/export?format=pdf')).status,
      ).toBe(400);
      expect((await bob.get('/compliance/soa/versions/7')).status).toBe(404);
      expect((await bob.get('/compliance/soa/versions/x')).status).toBe(400);
      const audit = await knex('itops_compliance_audit').where(
        'object_type',
        'soa',
      );
      expect(audit.map(r => [r.action, r.actor])).toEqual([
        ['soa.approve', ALICE],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses an exclusion without a justification or of an unknown control, writing nothing, %p',
    async databaseId => {
      const { alice, knex } = await start(databaseId);
      const cases: Array<[unknown, RegExp]> = [
        [[{ control: 'A.7.5' }], /exclusions'\[0\]\.justification is required/],
        [
          [{ control: 'A.7.5', justification: ' ' }],
          /justification is required/,
        ],
        [
          [{ control: 'A.99.1', justification: 'x' }],
          /'A\.99\.1' is not a control/,
        ],
        [[{ justification: 'x' }], /\[0\]\.control is required/],
        ['A.7.5', /must be a list/],
        [
          [
            { control: 'A.7.5', justification: 'x' },
            { control: 'A.7.5', justification: 'y' },
          ],
          /listed twice/,
        ],
      ];
      for (const [exclusions, message] of cases) {
        const res = await alice.post('/compliance/soa/versions', {
          exclusions,
        });
        expect([res.status, res.body.error?.message]).toEqual([
          400,
          expect.stringMatching(message),
        ]);
      }
      expect(await knex('itops_compliance_soa_versions')).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'an old version renders from what it stored after the config changes, %p',
    async databaseId => {
      const { alice, knex } = await start(databaseId);
      expect((await alice.post('/compliance/soa/versions', {})).status).toBe(
        201,
      );
      const before = await alice.get(
        '/compliance/soa/versions/1/export?format=csv',
      );

      // The next start-up excludes another control instead.
      const later = await backend(
        knex,
        soaConfig([
          { control: 'A.7.4', justification: 'No physical monitoring needed' },
        ]),
      );
      expect(
        (await later.alice.get('/compliance/soa/draft')).body.entries.find(
          (e: any) => e.control === 'A.7.4',
        ).applicable,
      ).toBe(false);
      const v1 = await later.alice.get('/compliance/soa/versions/1');
      const entry = (id: string) =>
        v1.body.content.entries.find((e: any) => e.control === id);
      expect(entry('A.7.5').applicable).toBe(false);
      expect(entry('A.7.4').applicable).toBe(true);
      expect(
        (await later.alice.get('/compliance/soa/versions/1/export?format=csv'))
          .text,
      ).toBe(before.text);

      const v2 = await later.alice.post('/compliance/soa/versions', {});
      expect(v2.body.version).toBe(2);
      expect(v2.body.prevHash).toBe(v1.body.chainHash);
      expect(
        v2.body.content.entries.find((e: any) => e.control === 'A.7.4')
          .applicable,
      ).toBe(false);
      // Exclusions given with the request replace the configured ones.
      const v3 = await later.alice.post('/compliance/soa/versions', {
        exclusions: [],
      });
      expect(v3.body.content.entries.every((e: any) => e.applicable)).toBe(
        true,
      );
      expect((await later.alice.get('/compliance/soa/verify')).body).toEqual({
        ok: true,
        checked: 3,
        broken: [],
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses changes to stored versions, and detects a tampered one, %p',
    async databaseId => {
      const { alice, knex } = await start(databaseId);
      await alice.post('/compliance/soa/versions', {});
      await alice.post('/compliance/soa/versions', {});
      const table = 'itops_compliance_soa_versions';
      await expect(knex(table).update({ approved_by: 'x' })).rejects.toThrow(
        /append-only/,
      );
      await expect(knex(table).delete()).rejects.toThrow(/append-only/);

      // Someone with the table owner's rights drops the guard and edits v1.
      await knex.raw(
        knex.client.dialect === 'postgresql'
          ? `drop trigger ${table}_append_only on ${table}`
          : `drop trigger ${table}_no_update`,
      );
      const row = await knex(table).where('version', 1).first();
      const content = JSON.parse(row.content);
      content.entries[0].applicable = false;
      content.entries[0].justification = 'added afterwards';
      await knex(table)
        .where('version', 1)
        .update({ content: JSON.stringify(content) });

      const verdict = (await alice.get('/compliance/soa/verify')).body;
      expect(verdict).toEqual({
        ok: false,
        checked: 2,
        broken: [
          {
            version: 1,
            problem: 'its content does not match its recorded content hash',
          },
        ],
      });
      const exported = await alice.get('/compliance/soa/versions/1/export');
      expect(exported.body.integrity.ok).toBe(false);
      const html = await alice.get(
        '/compliance/soa/versions/1/export?format=html',
      );
      expect(html.text).toContain('FAILED: its content does not match');

      // Rewriting the content hash to match is caught by the chain hash.
      await knex(table)
        .where('version', 1)
        .update({
          content_hash: createHash('sha256')
            .update(JSON.stringify(content))
            .digest('hex'),
        });
      const relinked = (await alice.get('/compliance/soa/verify')).body;
      expect(relinked.ok).toBe(false);
      expect(relinked.broken).toEqual([
        {
          version: 1,
          problem: 'its chain hash does not match its recorded fields',
        },
      ]);
    },
  );
});
