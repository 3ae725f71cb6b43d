import {
  mockCredentials,
  mockServices,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import request from 'supertest';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { AttestationStore } from './AttestationStore';
import { ComplianceEngine } from './ComplianceEngine';
import { readComplianceSettings } from './config';
import { DAY_MS, type EvaluatedEntity, HOUR_MS } from './model';
import { createComplianceRouter } from './router';
import { SnapshotStore } from './SnapshotStore';
import { WaiverStore } from './WaiverStore';

jest.setTimeout(60_000);

const NOW = Date.parse('2026-06-15T12:00:00Z');
const REF = 'component:default/payments';
const OTHER = 'component:default/ledger';
/** An Annex A control no check evidences: only an attestation speaks for it. */
const MANUAL = 'A.5.1';
const iso = (ms: number) => new Date(ms).toISOString();

const entity = (entityRef: string): EvaluatedEntity => ({
  entityRef,
  kind: 'component',
  ownerRef: 'group:default/payments-team',
  ownerState: 'group',
  lifecycle: 'production',
  tier: 2,
  annotations: {},
});

describe('snapshots record the attestations in force when taken', () => {
  const databases = createTestDatabases();

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await ItopsFixtures.create(knex); // runs the migrations
    const snapshots = new SnapshotStore(knex);
    const waivers = new WaiverStore(knex, { maxWaiverDays: 365 });
    const attestations = new AttestationStore(knex, waivers);
    let now = NOW;
    const settings = readComplianceSettings(new ConfigReader({}));
    const engine = new ComplianceEngine({
      knex,
      settings,
      facts: {
        all: async () => [entity(REF), entity(OTHER)],
        one: async ref => entity(ref),
      },
      snapshots,
      waivers,
      now: () => now,
    });
    const auditor = mockServices.auditor.mock();
    auditor.createEvent.mockImplementation(async () => ({
      success: async () => {},
      fail: async () => {},
    }));
    const app = express().use(
      await createComplianceRouter({
        engine,
        snapshots,
        waivers,
        settings,
        httpAuth: mockServices.httpAuth({
          defaultCredentials: mockCredentials.user(),
        }),
        permissions: mockServices.permissions({
          result: AuthorizeResult.ALLOW,
        }),
        auditor,
        now: () => now,
      }),
    );
    const attest = (entityRef: string, expiresAt: number) =>
      attestations.attest(
        {
          framework: 'iso27001-2022',
          control: MANUAL,
          entityRef,
          statement: 'Information security policy approved by the board',
          evidenceUrl: 'https://wiki.example.com/policies/infosec',
          expiresAt,
        },
        'user:default/alice',
        now,
      );
    return {
      knex,
      engine,
      attestations,
      attest,
      get: (path: string) => request(app).get(path),
      setNow: (ms: number) => {
        now = ms;
      },
    };
  }

  it.each(databases.eachSupportedId())(
    'exports and prints an old snapshot with an attestation revoked since as in force then, %p',
    async databaseId => {
      const { engine, attestations, attest, get, setNow } = await setUp(
        databaseId,
      );
      const revoked = await attest(REF, NOW + 90 * DAY_MS);
      // Expired before the snapshot: recorded with its state then.
      setNow(NOW - 10 * DAY_MS);
      await attest(OTHER, NOW - 5 * DAY_MS);
      setNow(NOW);
      const { snapshot: old } = await engine.evaluateAll('manual');
      expect(old.attestationsHash).toMatch(/^[0-9a-f]{64}$/);

      setNow(NOW + HOUR_MS);
      await attestations.revoke(
        revoked.id,
        'user:default/bob',
        'Policy withdrawn',
        NOW + HOUR_MS,
      );
      setNow(NOW + DAY_MS);
      const { snapshot: today } = await engine.evaluateAll('manual');

      const exported = (await get(`/compliance/snapshots/${old.id}/export`))
        .body;
      expect(exported.integrity).toEqual({
        contentHashMatches: true,
        chainHashMatches: true,
        attestationsHashMatches: true,
      });
      expect(
        exported.attestations.map((a: any) => [a.entityRef, a.state]),
      ).toEqual([
        [OTHER, 'expired'],
        [REF, 'active'],
      ]);
      expect(exported.attestations[1]).toMatchObject({
        id: revoked.id,
        control: MANUAL,
        attestedBy: 'user:default/alice',
        evidenceUrl: 'https://wiki.example.com/policies/infosec',
      });
      // Today's snapshot no longer counts the revoked one.
      const current = (await get(`/compliance/snapshots/${today.id}/export`))
        .body;
      expect(
        current.attestations.map((a: any) => [a.entityRef, a.state]),
      ).toEqual([[OTHER, 'expired']]);

      const report = (
        await get(
          `/compliance/report?framework=iso27001-2022&at=${encodeURIComponent(
            iso(NOW + 60_000),
          )}`,
        )
      ).text;
      expect(report).toContain(old.id);
      expect(report).toContain(
        'Attested for 1 entity (a statement, not a check result)',
      );
      expect(report).toContain('https://wiki.example.com/policies/infosec');
      expect(report).toContain('the recorded attestations match their hash');
      const todayReport = (
        await get('/compliance/report?framework=iso27001-2022')
      ).text;
      expect(todayReport).toContain('No data: attestation expired');
      expect(todayReport).not.toContain('Attested for 1 entity');
    },
  );

  it.each(databases.eachSupportedId())(
    'records only the entity’s own attestations with a single-entity run, %p',
    async databaseId => {
      const { engine, attest, get } = await setUp(databaseId);
      await attest(REF, NOW + 90 * DAY_MS);
      await attest(OTHER, NOW + 90 * DAY_MS);
      const summary = await engine.evaluateEntity(OTHER);
      const exported = (
        await get(`/compliance/snapshots/${summary!.snapshot.id}/export`)
      ).body;
      expect(exported.attestations.map((a: any) => a.entityRef)).toEqual([
        OTHER,
      ]);
    },
  );

  async function dropSnapshotGuards(knex: Knex) {
    const table = 'itops_compliance_snapshots';
    for (const name of [
      `${table}_no_update`,
      `${table}_disposal_only`,
      `${table}_append_only`,
      `${table}_guard`,
      `${table}_guard_update`,
      `${table}_guard_delete`,
    ]) {
      await knex.raw(
        knex.client.dialect === 'postgresql'
          ? `drop trigger if exists ${name} on ${table}`
          : `drop trigger if exists ${name}`,
      );
    }
  }

  it.each(databases.eachSupportedId())(
    'detects recorded attestations rewritten after the snapshot, %p',
    async databaseId => {
      const { knex, engine, attest, get, setNow } = await setUp(databaseId);
      await attest(REF, NOW + 90 * DAY_MS);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        setNow(NOW + i * HOUR_MS);
        ids.push((await engine.evaluateAll('manual')).snapshot.id);
      }
      expect((await get('/compliance/snapshots/verify')).body).toEqual({
        ok: true,
        checked: 3,
        unchained: 0,
        broken: [],
      });

      await dropSnapshotGuards(knex);
      // Someone hides the attestation a snapshot relied on.
      await knex('itops_compliance_snapshots')
        .where('id', ids[0])
        .update({ attestations: '[]' });
      // Someone rewrites another's attestations and their hash together.
      const forged = JSON.stringify([]);
      await knex('itops_compliance_snapshots')
        .where('id', ids[1])
        .update({
          attestations: forged,
          attestations_hash: createHash('sha256').update(forged).digest('hex'),
        });
      // Someone erases the record of a third.
      await knex('itops_compliance_snapshots')
        .where('id', ids[2])
        .update({ attestations: null, attestations_hash: null });

      const verdict = (await get('/compliance/snapshots/verify')).body;
      expect(verdict.ok).toBe(false);
      expect(verdict.broken).toEqual([
        {
          snapshotId: ids[0],
          problem: 'its recorded attestations do not match their recorded hash',
        },
        {
          snapshotId: ids[1],
          problem: 'its chain hash does not match its recorded fields',
        },
        {
          snapshotId: ids[2],
          problem: 'its chain hash does not match its recorded fields',
        },
      ]);
      const exported = (await get(`/compliance/snapshots/${ids[0]}/export`))
        .body;
      expect(exported.integrity).toMatchObject({
        attestationsHashMatches: false,
      });
    },
  );
});
