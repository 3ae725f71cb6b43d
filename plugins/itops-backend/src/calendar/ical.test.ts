import ICAL from 'ical.js';
import { escapeText, foldLine, formatUtc, serializeCalendar } from './ical';

const octets = (line: string) => new TextEncoder().encode(line).length;

describe('iCalendar serialisation', () => {
  it('escapes TEXT values', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
  });

  it('formats UTC date-times', () => {
    expect(formatUtc(Date.parse('2026-11-25T14:30:05.123Z'))).toBe(
      '20261125T143005Z',
    );
  });

  it('folds at 75 octets without splitting a UTF-8 character', () => {
    const line = `SUMMARY:${'Zürich ✓ '.repeat(30)}`;
    const folded = foldLine(line);
    const lines = folded.split('\r\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const part of lines) expect(octets(part)).toBeLessThanOrEqual(75);
    for (const part of lines.slice(1)) expect(part.startsWith(' ')).toBe(true);
    // Unfolding gives the original back, character for character.
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(foldLine('SHORT:x')).toBe('SHORT:x');
  });

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
});
