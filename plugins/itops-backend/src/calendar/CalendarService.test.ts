import { ConfigReader } from '@backstage/config';
import type { TestDatabaseId } from '@backstage/backend-test-utils';
import ICAL from 'ical.js';
import { ItopsFixtures } from '../__testUtils__/itopsFixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { CalendarService } from './CalendarService';
import {
  computeCatalogGraph,
  relationsOf,
  storeCatalogGraph,
} from './catalogGraph';
import { readConfiguredFreezeWindows } from './freezeConfig';
import {
  API,
  CATALOG,
  CHECKOUT,
  DB,
  FREEZE_CONFIG,
  PAYMENTS_SYSTEM,
  PAYMENTS_TEAM,
  SEARCH,
  seedCalendarWorld,
} from './__testUtils__/calendarWorld';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const DECEMBER = {
  from: Date.parse('2026-12-01T00:00:00Z'),
  to: Date.parse('2027-01-01T00:00:00Z'),
};

async function setUp(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const fixtures = await ItopsFixtures.create(knex);
  const ids = await seedCalendarWorld(fixtures);
  const calendar = new CalendarService({
    knex,
    freezeWindows: readConfiguredFreezeWindows(
      new ConfigReader({ itops: { freezeWindows: FREEZE_CONFIG } }),
    ),
    clock: () => Date.parse('2026-11-25T12:00:00Z'),
  });
  const numbers = async (filters: object = {}) =>
    (
      await calendar.listChanges({
        ...DECEMBER,
        limit: 100,
        offset: 0,
        ...filters,
      })
    ).items.map(c => c.number);
  return { knex, ids, calendar, numbers };
}

describe('CalendarService', () => {
  it.each(databases.eachSupportedId())(
    'lists the changes overlapping a range, long ones included, by planned start, on %p',
    async databaseId => {
      const { calendar, numbers } = await setUp(databaseId);
      expect(await numbers()).toEqual([
        'CHG6',
        'CHG1',
        'CHG3',
        'CHG2',
        'CHG9',
        'CHG4',
        'CHG5',
        'CHG8',
      ]);
      const page = await calendar.listChanges({
        ...DECEMBER,
        limit: 2,
        offset: 2,
      });
      expect(page.totalCount).toBe(8);
      expect(page.items.map(c => c.number)).toEqual(['CHG3', 'CHG2']);
      // Paging crosses from the long changes (read first) to the others.
      const first = await calendar.listChanges({
        ...DECEMBER,
        limit: 2,
        offset: 0,
      });
      expect(first.items.map(c => c.number)).toEqual(['CHG6', 'CHG1']);
      expect(first.totalCount).toBe(8);
      expect(page.items[0]).toEqual({
        id: expect.any(String),
        sourceType: 'jira',
        sourceInstance: 'production',
        externalId: expect.any(String),
        number: 'CHG3',
        title: 'Change CHG3',
        type: 'standard',
        state: 'scheduled',
        plannedStart: '2026-12-01T10:00:00.000Z',
        plannedEnd: '2026-12-01T12:00:00.000Z',
        entityRefs: [SEARCH],
        conflictCount: 0,
        freezes: [],
      });
      // Ends are inclusive (`plannedEnd >= from`), as on entity pages.
      expect(
        await numbers({ from: Date.parse('2026-12-20T00:00:00Z') }),
      ).toEqual(['CHG6', 'CHG8']);
      expect(
        await numbers({ from: Date.parse('2026-12-20T00:00:01Z') }),
      ).toEqual(['CHG8']);
      expect(
        await numbers({
          from: Date.parse('2026-10-01T00:00:00Z'),
          to: Date.parse('2026-11-01T00:00:00Z'),
        }),
      ).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'filters the calendar on %p',
    async databaseId => {
      const { numbers } = await setUp(databaseId);
      expect(await numbers({ owners: [PAYMENTS_TEAM] })).toEqual([
        'CHG6',
        'CHG1',
        'CHG2',
        'CHG9',
        'CHG4',
        'CHG5',
      ]);
      expect(
        await numbers({ systems: [PAYMENTS_SYSTEM], types: ['emergency'] }),
      ).toEqual(['CHG2']);
      expect(
        await numbers({ entityRefs: [API, SEARCH], states: ['scheduled'] }),
      ).toEqual(['CHG1', 'CHG3', 'CHG4', 'CHG8']);
      expect(await numbers({ sources: ['jira'] })).toEqual(['CHG3', 'CHG8']);
      expect(await numbers({ risks: ['high'] })).toEqual(['CHG1']);
      expect(await numbers({ search: '50%' })).toEqual(['CHG5']);
      expect(await numbers({ search: '5_%' })).toEqual([]);
      expect(await numbers({ search: 'chg4' })).toEqual(['CHG4']);
      expect(await numbers({ search: 'STORAGE' })).toEqual(['CHG6']);
    },
  );

  it.each(databases.eachSupportedId())(
    'flags conflicts and freezes of listed changes on %p',
    async databaseId => {
      const { calendar } = await setUp(databaseId);
      const { items } = await calendar.listChanges({
        ...DECEMBER,
        limit: 100,
        offset: 0,
      });
      const flags = Object.fromEntries(
        items.map(c => [c.number, [c.conflictCount, c.freezes]]),
      );
      expect(flags).toEqual({
        // CHG1 and CHG4 share the API; the API depends on the DB (CHG2, CHG6).
        CHG1: [3, ['Payments blackout']],
        CHG2: [3, []],
        CHG3: [0, []],
        CHG4: [3, ['Payments blackout']],
        // Friday 16:30 in Berlin, in the payments team's weekly freeze.
        CHG5: [0, ['Payments team Fridays']],
        // The DB is the payments team's too.
        CHG6: [3, ['Payments team Fridays']],
        CHG8: [0, ['Christmas']],
        CHG9: [0, ['Payments blackout']],
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'explains conflicts and lists entities in the change detail on %p',
    async databaseId => {
      const { calendar, ids } = await setUp(databaseId);
      const detail = (await calendar.changeDetail(ids.CHG1))!;
      expect(detail.change).toMatchObject({
        number: 'CHG1',
        risk: 'high',
        url: 'https://sn.example/CHG1',
      });
      expect(detail.entities).toEqual([
        {
          entityRef: API,
          kind: 'component',
          ownerRef: PAYMENTS_TEAM,
          systemRef: PAYMENTS_SYSTEM,
        },
      ]);
      expect(
        detail.conflicts.map(c => [c.number, c.kind, c.otherEntityRef]),
      ).toEqual([
        ['CHG6', 'related-entity', DB],
        ['CHG2', 'related-entity', DB],
        ['CHG4', 'same-entity', API],
      ]);
      expect(detail.conflicts[1].reason).toBe(
        `CHG2 changes ${DB} in an overlapping window (2026-12-01 11:00–2026-12-01 13:00 UTC), and ${API} depends on ${DB}.`,
      );
      expect(detail.freezes.map(f => [f.name, f.global])).toEqual([
        ['Payments blackout', false],
      ]);
      expect(await calendar.changeDetail(ids.CHG7)).toMatchObject({
        conflicts: [],
        freezes: [],
      });
      expect(await calendar.changeDetail(999999)).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'groups a month by day in a time zone with overflow counts on %p',
    async databaseId => {
      const { calendar } = await setUp(databaseId);
      const month = await calendar.changesByDay({
        ...DECEMBER,
        timeZone: 'Europe/Berlin',
        perDay: 2,
      });
      const day = (date: string) => month.days.find(d => d.date === date)!;
      // The days of Berlin's December, starting at its midnight.
      expect(month.days[0]).toMatchObject({
        date: '2026-12-01',
        start: '2026-11-30T23:00:00.000Z',
        total: 6,
      });
      // 2027-01-01T00:00Z is already 01:00 on New Year's Day in Berlin.
      expect(month.days.map(d => d.date).slice(-2)).toEqual([
        '2026-12-31',
        '2027-01-01',
      ]);
      // The day's own changes before CHG6, running since November.
      expect(month.days[0].items.map(c => c.number)).toEqual(['CHG1', 'CHG3']);
      expect(month.days[0].items[0].freezes).toEqual(['Payments blackout']);
      expect(day('2026-12-02').items.map(c => c.number)).toContain('CHG6');
      expect(day('2026-12-11')).toMatchObject({ total: 2 });
      expect(day('2026-12-21').total).toBe(0);
      expect(day('2026-12-24').items.map(c => c.number)).toEqual(['CHG8']);
      expect(month.totalCount).toBe(8);

      const searchOnly = await calendar.changesByDay({
        ...DECEMBER,
        timeZone: 'UTC',
        perDay: 5,
        entityRefs: [SEARCH],
      });
      expect(searchOnly.days.filter(d => d.total > 0).map(d => d.date)).toEqual(
        ['2026-12-01', '2026-12-24'],
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'answers the freeze status of an entity from synced and configured windows on %p',
    async databaseId => {
      const { calendar } = await setUp(databaseId);
      const status = async (ref: string, at: string, end?: string) => {
        const answer = await calendar.freezeStatus(
          ref,
          Date.parse(at),
          end ? Date.parse(end) : undefined,
        );
        return [answer.frozen, answer.windows.map(w => w.name)];
      };
      expect(await status(API, '2026-12-01T09:00:00Z')).toEqual([
        true,
        ['Payments blackout'],
      ]);
      expect(await status(DB, '2026-12-01T09:00:00Z')).toEqual([false, []]);
      // Tag scope: only the API is tagged pci.
      expect(await status(API, '2026-12-15T09:00:00Z')).toEqual([
        true,
        ['PCI audit'],
      ]);
      expect(await status(SEARCH, '2026-12-15T09:00:00Z')).toEqual([false, []]);
      // Group scope: the checkout is owned by the payments team, and the
      // system is owned by it too.
      expect(await status(CHECKOUT, '2026-12-18T15:00:00Z')).toEqual([
        true,
        ['Payments team Fridays'],
      ]);
      expect(await status(PAYMENTS_SYSTEM, '2026-12-18T15:00:00Z')).toEqual([
        true,
        ['Payments team Fridays'],
      ]);
      expect(await status(SEARCH, '2026-12-18T15:00:00Z')).toEqual([false, []]);
      // 15:00 UTC on Friday is 16:00 in Berlin; 14:59 is outside.
      expect(await status(CHECKOUT, '2026-12-18T14:59:00Z')).toEqual([
        false,
        [],
      ]);
      // A change window reaching into a freeze falls in it.
      expect(
        await status(SEARCH, '2026-12-23T20:00:00Z', '2026-12-23T23:30:00Z'),
      ).toEqual([true, ['Christmas']]);
    },
  );

  it.each(databases.eachSupportedId())(
    'writes an iCalendar feed with the filters that parses back on %p',
    async databaseId => {
      const { calendar } = await setUp(databaseId);
      const body = await calendar.feed({
        ...DECEMBER,
        owners: [PAYMENTS_TEAM],
        types: ['normal'],
        name: 'Payments; changes',
      });
      const parsed = new ICAL.Component(ICAL.parse(body));
      const events = parsed
        .getAllSubcomponents('vevent')
        .map(e => new ICAL.Event(e));
      expect(events.map(e => e.summary)).toEqual([
        'Freeze: Payments blackout',
        'Freeze: Payments team Fridays',
        'Freeze: Payments team Fridays',
        'Freeze: PCI audit',
        'Freeze: Payments team Fridays',
        'Freeze: Christmas',
        'Freeze: Payments team Fridays',
        'CHG6 Storage migration',
        'CHG1 Change CHG1',
        'CHG9 Change CHG9',
        'CHG4 Change CHG4',
        'CHG5 Rotate 50% of keys',
      ]);
      const chg1 = events.find(e => e.summary.startsWith('CHG1'))!;
      expect(chg1.startDate.toJSDate().toISOString()).toBe(
        '2026-12-01T10:00:00.000Z',
      );
      expect(chg1.description).toContain(`Entities: ${API}`);
      const cancelled = parsed
        .getAllSubcomponents('vevent')
        .find(e =>
          String(e.getFirstPropertyValue('summary')).startsWith('CHG9'),
        )!;
      expect(cancelled.getFirstPropertyValue('status')).toBe('CANCELLED');
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps UIDs stable and raises SEQUENCE and LAST-MODIFIED when the source changes an event, on %p',
    async databaseId => {
      const { knex, ids, calendar } = await setUp(databaseId);
      const vevents = async () =>
        new ICAL.Component(
          ICAL.parse(await calendar.feed({ ...DECEMBER, name: 'All' })),
        ).getAllSubcomponents('vevent');
      const chg1 = async () => {
        const event = (await vevents()).find(e =>
          String(e.getFirstPropertyValue('summary')).startsWith('CHG1 '),
        )!;
        const lastModified = event.getFirstPropertyValue(
          'last-modified',
        ) as ICAL.Time | null;
        return {
          uid: event.getFirstPropertyValue('uid'),
          sequence: Number(event.getFirstPropertyValue('sequence')),
          lastModified: lastModified?.toJSDate().toISOString(),
          start: (event.getFirstPropertyValue('dtstart') as ICAL.Time)
            .toJSDate()
            .toISOString(),
        };
      };

      // Without a source modification time: SEQUENCE 0, no LAST-MODIFIED.
      const unknown = await chg1();
      expect(unknown).toEqual({
        uid: expect.stringMatching(
          /^change-servicenow-production-.+@itops\.backstage$/,
        ),
        sequence: 0,
        lastModified: undefined,
        start: '2026-12-01T10:00:00.000Z',
      });

      // What a sync stores when the source reports its update time.
      const edit = (updatedAt: string, plannedStart: string) =>
        knex('itops_changes')
          .where('id', ids.CHG1)
          .update({
            source_updated_at: Date.parse(updatedAt),
            planned_start: Date.parse(plannedStart),
          });
      await edit('2026-11-20T08:00:00Z', '2026-12-01T10:00:00Z');
      const first = await chg1();
      expect(first.uid).toBe(unknown.uid);
      expect(first.lastModified).toBe('2026-11-20T08:00:00.000Z');
      expect(first.sequence).toBeGreaterThan(0);
      // The same record read again gives the same SEQUENCE.
      expect((await chg1()).sequence).toBe(first.sequence);

      // Rescheduled upstream a second later: same UID, higher SEQUENCE.
      await edit('2026-11-20T08:00:01Z', '2026-12-02T10:00:00Z');
      const moved = await chg1();
      expect(moved).toEqual({
        uid: first.uid,
        sequence: first.sequence + 1,
        lastModified: '2026-11-20T08:00:01.000Z',
        start: '2026-12-02T10:00:00.000Z',
      });

      // Configured freeze windows have no source time: SEQUENCE 0 and
      // UIDs that name the window and its occurrence.
      const christmas = (await vevents()).filter(
        e => e.getFirstPropertyValue('summary') === 'Freeze: Christmas',
      );
      expect(christmas).toHaveLength(1);
      expect(christmas[0].getFirstPropertyValue('sequence')).toBe(0);
      expect(christmas[0].getFirstPropertyValue('uid')).toMatch(
        /^freeze-config-app-config-\d+:Christmas@2026-12-2\dT.*@itops\.backstage$/,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps catalog relations and tags, rewriting them only on change, on %p',
    async databaseId => {
      const { knex } = await setUp(databaseId);
      expect(await storeCatalogGraph(knex, computeCatalogGraph(CATALOG))).toBe(
        false,
      );
      const sorted = (relations: Awaited<ReturnType<typeof relationsOf>>) =>
        relations.map(r => `${r.sourceRef} ${r.type} ${r.targetRef}`).sort();
      expect(sorted(await relationsOf(knex, [DB]))).toEqual([
        `${API} dependsOn ${DB}`,
        `${DB} partOf ${PAYMENTS_SYSTEM}`,
      ]);
      expect(
        await knex('itops_entity_tags').select('entity_ref', 'tag'),
      ).toEqual([{ entity_ref: API, tag: 'pci' }]);
      expect(
        await storeCatalogGraph(knex, computeCatalogGraph(CATALOG.slice(0, 3))),
      ).toBe(true);
      expect(await relationsOf(knex, [API, DB])).toEqual([]);
    },
  );
});
