import type { JsonObject } from '@backstage/types';
import { ConfigReader } from '@backstage/config';
import {
  normalizeRef,
  occurrencesIn,
  readConfiguredFreezeWindows,
} from './freezeConfig';

const iso = (ms: number) => new Date(ms).toISOString();
const range = (from: string, to: string) => ({
  from: Date.parse(from),
  to: Date.parse(to),
});

function windows(freezeWindows: JsonObject[]) {
  return readConfiguredFreezeWindows(
    new ConfigReader({ itops: { freezeWindows } }),
  );
}

describe('readConfiguredFreezeWindows', () => {
  it('reads wall-clock times in the window zone and normalises scope refs', () => {
    const [window] = windows([
      {
        name: 'Year end',
        start: '2026-12-20T00:00',
        end: '2027-01-04T00:00',
        timeZone: 'Europe/Berlin',
        scope: {
          systems: ['payments'],
          groups: ['group:ops/SRE'],
          tags: ['pci'],
        },
      },
    ]);
    // Midnight in Berlin in winter is 23:00 UTC the day before.
    expect(iso(window.start.toMillis())).toBe('2026-12-19T23:00:00.000Z');
    expect(window.scope).toEqual({
      systems: ['system:default/payments'],
      groups: ['group:ops/sre'],
      tags: ['pci'],
      entities: [],
    });
  });

  it('takes an explicit offset as an instant', () => {
    const [window] = windows([
      {
        name: 'x',
        start: '2026-06-01T10:00:00Z',
        end: '2026-06-01T12:00:00Z',
        timeZone: 'Asia/Tokyo',
      },
    ]);
    expect(iso(window.start.toMillis())).toBe('2026-06-01T10:00:00.000Z');
  });

  it.each([
    [
      { name: 'x', start: 'soon', end: '2026-01-01T00:00' },
      /itops.freezeWindows\[0\].start/,
    ],
    [
      { name: 'x', start: '2026-01-02T00:00', end: '2026-01-01T00:00' },
      /end must be after/,
    ],
    [
      {
        name: 'x',
        start: '2026-01-01T00:00',
        end: '2026-01-02T00:00',
        timeZone: 'Mars/Olympus',
      },
      /timeZone/,
    ],
    [
      {
        name: 'x',
        start: '2026-01-01T00:00',
        end: '2026-01-02T00:00',
        recurrence: { frequency: 'hourly' },
      },
      /frequency 'hourly'/,
    ],
    [
      {
        name: 'x',
        start: '2026-01-01T00:00',
        end: '2026-01-02T00:00',
        recurrence: { frequency: 'daily', interval: 0 },
      },
      /interval/,
    ],
  ])('rejects a malformed entry naming it: %j', (entry, message) => {
    expect(() => windows([entry])).toThrow(message);
  });

  it('normalises short refs', () => {
    expect(normalizeRef('Payments', 'system')).toBe('system:default/payments');
    expect(normalizeRef('component:shop/Cart', 'system')).toBe(
      'component:shop/cart',
    );
  });
});

describe('occurrencesIn', () => {
  it('gives a one-off window only when it overlaps the range', () => {
    const [window] = windows([
      {
        name: 'Launch',
        start: '2026-05-01T08:00:00Z',
        end: '2026-05-01T20:00:00Z',
      },
    ]);
    expect(
      occurrencesIn(
        window,
        range('2026-05-01T19:00:00Z', '2026-05-02T00:00:00Z'),
      ),
    ).toHaveLength(1);
    expect(
      occurrencesIn(
        window,
        range('2026-05-01T20:00:00Z', '2026-05-02T00:00:00Z'),
      ),
    ).toHaveLength(0);
  });

  it('keeps a weekly window at its wall-clock times across the end of DST', () => {
    const [window] = windows([
      {
        name: 'Weekend',
        start: '2026-10-16T18:00',
        end: '2026-10-19T06:00',
        timeZone: 'Europe/Berlin',
        recurrence: { frequency: 'weekly' },
      },
    ]);
    const found = occurrencesIn(
      window,
      range('2026-10-20T00:00:00Z', '2026-11-03T00:00:00Z'),
    );
    expect(found.map(o => [iso(o.start), iso(o.end)])).toEqual([
      // Friday 18:00 CEST (UTC+2) to Monday 06:00 CET (UTC+1): 61 hours.
      ['2026-10-23T16:00:00.000Z', '2026-10-26T05:00:00.000Z'],
      ['2026-10-30T17:00:00.000Z', '2026-11-02T05:00:00.000Z'],
    ]);
  });

  it('keeps a daily window at its wall-clock time across the start of DST', () => {
    const [window] = windows([
      {
        name: 'Nightly batch',
        start: '2026-03-01T22:00',
        end: '2026-03-01T23:30',
        timeZone: 'America/New_York',
        recurrence: { frequency: 'daily' },
      },
    ]);
    const found = occurrencesIn(
      window,
      range('2026-03-07T00:00:00Z', '2026-03-09T12:00:00Z'),
    );
    expect(found.map(o => iso(o.start))).toEqual([
      '2026-03-07T03:00:00.000Z', // 22:00 EST on the 6th
      '2026-03-08T03:00:00.000Z', // 22:00 EST on the 7th
      '2026-03-09T02:00:00.000Z', // 22:00 EDT on the 8th
    ]);
  });

  it('honours interval and an exclusive until, and finds occurrences far from the first', () => {
    const [window] = windows([
      {
        name: 'Every other Monday',
        start: '2026-01-05T09:00:00Z',
        end: '2026-01-05T10:00:00Z',
        recurrence: {
          frequency: 'weekly',
          interval: 2,
          until: '2027-01-18T09:00:00Z',
        },
      },
    ]);
    const found = occurrencesIn(
      window,
      range('2026-12-20T00:00:00Z', '2027-02-01T00:00:00Z'),
    );
    expect(found.map(o => iso(o.start))).toEqual([
      '2026-12-21T09:00:00.000Z',
      '2027-01-04T09:00:00.000Z',
    ]);
  });

  it('puts monthly windows on the 31st on the last day of shorter months', () => {
    const [window] = windows([
      {
        name: 'Month end',
        start: '2026-01-31T00:00:00Z',
        end: '2026-02-01T00:00:00Z',
        recurrence: { frequency: 'monthly' },
      },
    ]);
    const found = occurrencesIn(
      window,
      range('2026-02-01T00:00:00Z', '2026-04-01T00:00:00Z'),
    );
    expect(found.map(o => iso(o.start))).toEqual([
      '2026-02-28T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
    ]);
  });
});
