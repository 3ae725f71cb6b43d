import type { TestDatabaseId } from '@backstage/backend-test-utils';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { changeTable } from '../database/recordTables';
import { listCalendarChanges, orderedCalendarRows } from './changes';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const DECEMBER = {
  from: Date.parse('2026-12-01T00:00:00Z'),
  to: Date.parse('2027-01-01T00:00:00Z'),
};
/** `MM-DDTHH:mm` in UTC, of 2026, or of 2027 in January. */
const at = (time: string) =>
  new Date(`${time.startsWith('01-') ? 2027 : 2026}-${time}:00Z`).toISOString();

/**
 * Changes in each of the calendar's three parts (long ones starting more
 * than a week before December, those of the week before still running into
 * it, those starting in it), and changes that must not be listed, stored
 * out of order so that only the calendar order sorts them.
 */
const CHANGES: Array<[number: string, start: string, end?: string]> = [
  ['IN-2', '12-02T10:00', '12-02T11:00'],
  ['OUT-ENDED', '11-29T10:00', '11-30T10:00'],
  ['LONG-1', '11-01T00:00', '12-20T00:00'],
  ['WEEK-LONG', '11-26T00:00', '12-05T00:00'],
  ['IN-3', '12-02T10:00', '12-02T12:00'],
  ['OUT-POINT', '11-30T20:00'],
  ['STRADDLING-2', '11-30T23:00', '12-01T01:00'],
  ['IN-1', '12-01T00:00'],
  ['OUT-AFTER', '01-01T00:00', '01-02T00:00'],
  ['LONG-2', '11-10T00:00', '12-02T00:00'],
  ['STRADDLING-1', '11-28T10:00', '12-01T02:00'],
  ['IN-BACKWARDS', '12-03T10:00', '11-20T00:00'],
  ['IN-4', '12-31T23:00', '01-01T01:00'],
  ['OUT-LONG-ENDED', '10-01T00:00', '11-15T00:00'],
];

/** The calendar order of the listed changes. */
const EXPECTED = [
  'LONG-1',
  'LONG-2',
  'WEEK-LONG',
  'STRADDLING-1',
  'STRADDLING-2',
  'IN-1',
  'IN-2',
  'IN-3',
  'IN-4',
];

async function setUp(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const fixtures = await ItopsFixtures.create(knex);
  for (const [number, start, end] of CHANGES) {
    await fixtures.record(changeTable, {
      number,
      title: `Change ${number}`,
      type: 'normal',
      state: 'scheduled',
      plannedStart: at(start),
      plannedEnd: end ? at(end) : undefined,
    });
  }
  return knex;
}

describe('the change calendar order', () => {
  it.each(databases.eachSupportedId())(
    'lists long, still running and starting changes in planned-start order, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const all = await listCalendarChanges(knex, {
        ...DECEMBER,
        limit: 100,
        offset: 0,
      });
      expect(all.items.map(c => c.number)).toEqual(EXPECTED);
      expect(all.totalCount).toBe(EXPECTED.length);

      const { rows } = await orderedCalendarRows(knex, DECEMBER, [
        'id',
        'number',
        'planned_start',
      ]);
      expect(rows.map(row => row.number)).toEqual(EXPECTED);
    },
  );

  it.each(databases.eachSupportedId())(
    'pages across the parts as slices of the whole list, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      for (const limit of [1, 2, 3, 4]) {
        for (let offset = 0; offset <= EXPECTED.length; offset++) {
          const page = await listCalendarChanges(knex, {
            ...DECEMBER,
            limit,
            offset,
          });
          expect({
            limit,
            offset,
            numbers: page.items.map(c => c.number),
          }).toEqual({
            limit,
            offset,
            numbers: EXPECTED.slice(offset, offset + limit),
          });
          expect(page.totalCount).toBe(EXPECTED.length);
        }
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the filters in every part, on %p',
    async databaseId => {
      const knex = await setUp(databaseId);
      const page = await listCalendarChanges(knex, {
        ...DECEMBER,
        search: '-2',
        limit: 2,
        offset: 1,
      });
      expect(page.items.map(c => c.number)).toEqual(['STRADDLING-2', 'IN-2']);
      expect(page.totalCount).toBe(3);
    },
  );
});
