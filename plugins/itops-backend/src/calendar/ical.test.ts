import ICAL from 'ical.js';
import { sequenceOf, serializeCalendar } from './ical';

const octets = (line: string) => new TextEncoder().encode(line).length;

describe('iCalendar serialisation', () => {
  it('produces a calendar that a parser reads back with the same values', () => {
    const title =
      'Upgrade DB; migrate, then verify\\rollback\nSecond line — with ünïcödé '.repeat(
        3,
      );
    const body = serializeCalendar({
      name: 'ITOps, changes; all',
      now: Date.parse('2026-11-25T12:00:00Z'),
      events: [
        {
          uid: 'change-servicenow-production-abc@itops.backstage',
          start: Date.parse('2026-12-01T10:00:00Z'),
          end: Date.parse('2026-12-01T12:30:00Z'),
          summary: `CHG0001 ${title}`,
          description: 'Line 1\nLine 2; with, punctuation',
          url: 'https://sn.example.com/change_request.do?sys_id=abc&x=1',
          categories: ['Change', 'normal,odd'],
          status: 'CONFIRMED',
          transparent: true,
        },
        {
          uid: 'point@itops.backstage',
          start: Date.parse('2026-12-02T08:00:00Z'),
          summary: 'No end',
          status: 'TENTATIVE',
        },
      ],
    });

    expect(body.endsWith('\r\n')).toBe(true);
    expect(body.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of body.split('\r\n')) {
      expect(octets(line)).toBeLessThanOrEqual(75);
    }

    const calendar = new ICAL.Component(ICAL.parse(body));
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    // ical.js reads X- properties raw; calendar clients take X-WR-CALNAME as TEXT.
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe(
      'ITOps\\, changes\\; all',
    );
    const [first, second] = calendar.getAllSubcomponents('vevent');
    const event = new ICAL.Event(first);
    expect(event.uid).toBe('change-servicenow-production-abc@itops.backstage');
    expect(event.summary).toBe(`CHG0001 ${title}`);
    expect(event.description).toBe('Line 1\nLine 2; with, punctuation');
    expect(event.startDate.toJSDate().toISOString()).toBe(
      '2026-12-01T10:00:00.000Z',
    );
    expect(event.endDate.toJSDate().toISOString()).toBe(
      '2026-12-01T12:30:00.000Z',
    );
    expect(first.getFirstPropertyValue('url')).toBe(
      'https://sn.example.com/change_request.do?sys_id=abc&x=1',
    );
    expect(first.getFirstProperty('categories')!.getValues()).toEqual([
      'Change',
      'normal,odd',
    ]);
    expect(first.getFirstPropertyValue('transp')).toBe('TRANSPARENT');
    expect(second.getFirstPropertyValue('dtend')).toBeNull();
    expect(second.getFirstPropertyValue('status')).toBe('TENTATIVE');
  });

  it('writes SEQUENCE from the last modification and LAST-MODIFIED, both only rising', () => {
    const body = (lastModified?: number) =>
      serializeCalendar({
        name: 'c',
        now: Date.parse('2026-11-25T12:00:00Z'),
        events: [
          {
            uid: 'u@itops.backstage',
            start: Date.parse('2026-12-01T10:00:00Z'),
            summary: 's',
            lastModified,
          },
        ],
      });
    const event = (text: string) =>
      new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent')!;
    const earlier = event(body(Date.parse('2026-11-20T08:00:00Z')));
    const later = event(body(Date.parse('2026-11-20T08:00:01.900Z')));
    expect(earlier.getFirstPropertyValue('uid')).toBe('u@itops.backstage');
    expect(later.getFirstPropertyValue('uid')).toBe('u@itops.backstage');
    expect(
      (earlier.getFirstPropertyValue('last-modified') as ICAL.Time)
        .toJSDate()
        .toISOString(),
    ).toBe('2026-11-20T08:00:00.000Z');
    expect(later.getFirstPropertyValue('sequence')).toBe(
      Number(earlier.getFirstPropertyValue('sequence')) + 1,
    );
    const none = event(body(undefined));
    expect(none.getFirstPropertyValue('sequence')).toBe(0);
    expect(none.getFirstPropertyValue('last-modified')).toBeNull();
  });

  it('derives SEQUENCE in whole seconds since 2020, never below 0', () => {
    expect(sequenceOf(undefined)).toBe(0);
    expect(sequenceOf(Date.parse('2019-06-01T00:00:00Z'))).toBe(0);
    expect(sequenceOf(Date.parse('2020-01-01T00:00:01.999Z'))).toBe(1);
    // RFC 5545 INTEGER is 32-bit signed; that lasts until 2088.
    expect(sequenceOf(Date.parse('2088-01-01T00:00:00Z'))).toBeLessThan(
      2 ** 31,
    );
  });
});
