import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { IncidentRecord } from '@backstage-itops/plugin-itops-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { SnRow } from './client';
import { readInstanceOptions } from './config';
import { createServiceNowSource } from './createServiceNowSource';

/*
 * The incident's change links (caused_by, rfc) through the real reader
 * over HTTP: which columns are asked for, and what the records carry.
 */

const BASE = 'https://acme.service-now.com';
const server = setupServer();
registerMswTestHooks(server);

const CAUSE = 'c0000000000000000000000000000001';
const FIX = 'c0000000000000000000000000000002';

const ROW: SnRow = {
  sys_id: 'a9e30c7dc61122760116894de7bcc7bd',
  number: 'INC0000046',
  short_description: 'Errors after change CHG0030001',
  state: '2',
  active: 'true',
  priority: '2',
  opened_at: '2026-11-02 22:04:15',
  sys_created_on: '2026-11-02 22:04:15',
  sys_updated_on: '2026-11-03 08:37:27',
  caused_by: CAUSE,
  'caused_by.number': 'CHG0030001',
  rfc: FIX,
  'rfc.number': 'CHG0030002',
};

/** Serves the rows like the Table API: only the asked-for columns that exist. */
function serveIncidents(rows: SnRow[]) {
  const asked: string[][] = [];
  server.use(
    http.get(`${BASE}/api/now/table/incident`, ({ request }) => {
      const fields = (
        new URL(request.url).searchParams.get('sysparm_fields') ?? ''
      ).split(',');
      asked.push(fields);
      const result = rows.map(row =>
        Object.fromEntries(fields.filter(f => f in row).map(f => [f, row[f]])),
      );
      return HttpResponse.json(
        { result },
        { headers: { 'X-Total-Count': String(rows.length) } },
      );
    }),
  );
  return asked;
}

async function readIncidents(): Promise<IncidentRecord[]> {
  const source = createServiceNowSource(
    readInstanceOptions(
      'prod',
      new ConfigReader({
        baseUrl: BASE,
        auth: { username: 'u', password: 'p' },
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

const changeUrl = (sysId: string) =>
  `${BASE}/nav_to.do?uri=change_request.do%3Fsys_id%3D${sysId}`;

describe('ServiceNow incident change links', () => {
  it('reads caused_by and rfc with their numbers dot-walked', async () => {
    const asked = serveIncidents([ROW]);
    const [record] = await readIncidents();
    expect(asked[0]).toEqual(
      expect.arrayContaining([
        'caused_by',
        'caused_by.number',
        'rfc',
        'rfc.number',
      ]),
    );
    expect(record.linkedChanges).toEqual([
      {
        externalId: CAUSE,
        reference: 'CHG0030001',
        relation: 'caused_by',
        url: changeUrl(CAUSE),
      },
      {
        externalId: FIX,
        reference: 'CHG0030002',
        relation: 'related',
        url: changeUrl(FIX),
      },
    ]);
    expect(record.unknown ?? []).not.toContain('linkedChanges');
  });

  it('names a change the integration user cannot read by its sys_id', async () => {
    // An ACL-hidden change: the reference keeps its sys_id, the dot-walk is blank.
    serveIncidents([
      { ...ROW, 'caused_by.number': '', rfc: '', 'rfc.number': '' },
    ]);
    const [record] = await readIncidents();
    expect(record.linkedChanges).toEqual([
      {
        externalId: CAUSE,
        reference: CAUSE,
        relation: 'caused_by',
        url: changeUrl(CAUSE),
      },
    ]);
  });

  it('lists one change once, as the cause, when it is both', async () => {
    serveIncidents([{ ...ROW, rfc: CAUSE, 'rfc.number': 'CHG0030001' }]);
    const [record] = await readIncidents();
    expect(record.linkedChanges).toEqual([
      expect.objectContaining({ externalId: CAUSE, relation: 'caused_by' }),
    ]);
  });

  it('gives an empty list for blank links, and keeps stored links when the columns are missing', async () => {
    const { caused_by, rfc, ...withoutColumns } = ROW;
    serveIncidents([
      {
        ...ROW,
        caused_by: '',
        'caused_by.number': '',
        rfc: '',
        'rfc.number': '',
      },
      { ...withoutColumns, sys_id: 'b9e30c7dc61122760116894de7bcc7bd' },
    ]);
    const [blank, missing] = await readIncidents();
    expect(caused_by && rfc).toBeTruthy();
    // Blank columns: the incident links no change, stored links go.
    expect(blank.linkedChanges).toEqual([]);
    expect(blank.unknown ?? []).not.toContain('linkedChanges');
    // No such columns (another table, a column the user may not read):
    // nothing is known, so nothing stored is cleared.
    expect(missing.linkedChanges).toBeUndefined();
    expect(missing.unknown).toContain('linkedChanges');
  });
});
