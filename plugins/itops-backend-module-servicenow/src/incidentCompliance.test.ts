import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { IncidentRecord } from '@backstage-itops/plugin-itops-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { SnRow } from './client';
import { readInstanceOptions } from './config';
import { createServiceNowSource } from './createServiceNowSource';
import { reviewOf } from './mapping';

/*
 * The incident fields of compliance INC-01, INC-04 and NTF-01 through the
 * real reader over HTTP: which columns are asked for, and what the
 * records carry.
 */

const BASE = 'https://acme.service-now.com';
const server = setupServer();
registerMswTestHooks(server);

const PROBLEM = 'b1c2000000000000000000000000000a';

const ROW: SnRow = {
  sys_id: 'a9e30c7dc61122760116894de7bcc7bd',
  number: 'INC0000046',
  short_description: 'Card data exposed in logs',
  state: '6',
  active: 'true',
  priority: '1',
  opened_at: '2026-11-02 22:04:15',
  sys_created_on: '2026-11-02 22:04:15',
  resolved_at: '2026-11-03 08:37:27',
  sys_updated_on: '2026-11-03 08:37:27',
  'assignment_group.name': 'Payments',
  problem_id: PROBLEM,
  'problem_id.number': 'PRB0040001',
  u_assigned_at: '2026-11-02 22:09:15',
  u_gdpr_breach: 'true',
  u_breach_aware_at: '2026-11-02 23:00:00',
  u_dpa_notified_at: '2026-11-06 09:00:00',
  u_dpa_delay_reason: '  Scope unknown until the log audit finished  ',
  u_pir_done: '2026-11-10 15:00:00',
};

/** Serves ROW like the Table API: only the asked-for columns that exist. */
function serveIncident(row: SnRow) {
  const asked: string[][] = [];
  server.use(
    http.get(`${BASE}/api/now/table/incident`, ({ request }) => {
      const fields = (
        new URL(request.url).searchParams.get('sysparm_fields') ?? ''
      ).split(',');
      asked.push(fields);
      const result = Object.fromEntries(
        fields.filter(f => f in row).map(f => [f, row[f]]),
      );
      return HttpResponse.json(
        { result: [result] },
        { headers: { 'X-Total-Count': '1' } },
      );
    }),
  );
  return asked;
}

async function readIncidents(incidents: object): Promise<IncidentRecord[]> {
  const source = createServiceNowSource(
    readInstanceOptions(
      'prod',
      new ConfigReader({
        baseUrl: BASE,
        auth: { username: 'u', password: 'p' },
        incidents,
      }),
    ),
  );
  const records: IncidentRecord[] = [];
  for await (const batch of source.readers.incidents!.read({
    full: false,
    signal: new AbortController().signal,
    mappedKeys: async () => [],
  })) {
    records.push(...(batch.records as IncidentRecord[]));
  }
  return records;
}

describe('ServiceNow incident compliance fields', () => {
  it('links the problem record as the review by default, and nothing else', async () => {
    const asked = serveIncident(ROW);
    const [record] = await readIncidents({});
    expect(asked[0]).toEqual(
      expect.arrayContaining(['problem_id', 'problem_id.number']),
    );
    expect(asked[0]).not.toContain('u_assigned_at');
    expect(record.postIncidentReview).toEqual({
      reference: 'PRB0040001',
      url: `${BASE}/nav_to.do?uri=problem.do%3Fsys_id%3D${PROBLEM}`,
    });
    expect(record.assignedAt).toBeUndefined();
    expect(record.notificationDelayReason).toBeUndefined();
  });

  it("reads the problem's cause notes as the review's root cause by default", async () => {
    const asked = serveIncident({
      ...ROW,
      'problem_id.cause_notes': '  Retry storm exhausted the pool  ',
    });
    const [record] = await readIncidents({});
    expect(asked[0]).toContain('problem_id.cause_notes');
    expect(record.postIncidentReview).toMatchObject({
      reference: 'PRB0040001',
      rootCause: 'Retry storm exhausted the pool',
    });
  });

  it('reads a configured root-cause column, and none from a blank one', async () => {
    const row = { ...ROW, u_pir: 'PIR-7', u_pir_cause: 'Expired cert' };
    serveIncident(row);
    const [record] = await readIncidents({
      postIncidentReview: { field: 'u_pir', rootCauseField: 'u_pir_cause' },
    });
    expect(record.postIncidentReview).toMatchObject({
      reference: 'PIR-7',
      rootCause: 'Expired cert',
    });
    serveIncident({ ...row, u_pir_cause: '   ' });
    const [blank] = await readIncidents({
      postIncidentReview: { field: 'u_pir', rootCauseField: 'u_pir_cause' },
    });
    expect(blank.postIncidentReview?.rootCause).toBeUndefined();
    // Another link has no default root-cause column: nothing is guessed.
    const asked = serveIncident(row);
    await readIncidents({ postIncidentReview: { field: 'u_pir' } });
    expect(asked[0]).not.toContain('problem_id.cause_notes');
    expect(asked[0]).not.toContain('u_pir_cause');
  });

  it('reads the configured assignment, review and delay-reason columns', async () => {
    const asked = serveIncident(ROW);
    const [record] = await readIncidents({
      assignedAtField: 'u_assigned_at',
      postIncidentReview: { completedAtField: 'u_pir_done' },
      personalDataBreach: { field: 'u_gdpr_breach' },
      breachAwareAtField: 'u_breach_aware_at',
      authorityNotifiedAtField: 'u_dpa_notified_at',
      notificationDelayReasonField: 'u_dpa_delay_reason',
    });
    expect(asked[0]).toEqual(
      expect.arrayContaining([
        'u_assigned_at',
        'u_pir_done',
        'u_dpa_delay_reason',
      ]),
    );
    expect(record).toMatchObject({
      assignedAt: '2026-11-02T22:09:15.000Z',
      postIncidentReview: {
        reference: 'PRB0040001',
        completed: true,
        completedAt: '2026-11-10T15:00:00.000Z',
      },
      personalDataBreach: true,
      authorityNotifiedAt: '2026-11-06T09:00:00.000Z',
      notificationDelayReason: 'Scope unknown until the log audit finished',
    });
  });

  it('reads no review when turned off, and no review from an empty reference', async () => {
    const asked = serveIncident(ROW);
    const [off] = await readIncidents({
      postIncidentReview: { enabled: false },
    });
    expect(asked[0]).not.toContain('problem_id');
    expect(off.postIncidentReview).toBeUndefined();

    serveIncident({ ...ROW, problem_id: '', 'problem_id.number': '' });
    const [none] = await readIncidents({});
    expect(none.postIncidentReview).toBeUndefined();
  });

  it('links a review column holding a URL as it is', async () => {
    serveIncident({
      ...ROW,
      u_pir_link: 'https://wiki.acme.example/pir/INC0000046',
      u_dpa_delay_reason: '   ',
    });
    const [record] = await readIncidents({
      postIncidentReview: { field: 'u_pir_link' },
      notificationDelayReasonField: 'u_dpa_delay_reason',
    });
    expect(record.postIncidentReview).toEqual({
      reference: 'https://wiki.acme.example/pir/INC0000046',
      url: 'https://wiki.acme.example/pir/INC0000046',
    });
    // Blank text is no reason.
    expect(record.notificationDelayReason).toBeUndefined();
  });

  it('keeps a review id that is neither a sys_id nor a URL without a link', () => {
    expect(
      reviewOf({ u_pir: 'PIR-12' }, { field: 'u_pir', table: 'problem' }, BASE),
    ).toEqual({ reference: 'PIR-12', url: undefined });
  });
});
