import { findMalformation } from './malformed';

const rules = {
  requiredDates: ['created'],
  dates: { updated: '', customfield_3: 'plannedStart' },
  statuses: { quarantined: 'on_hold' },
};

function issue(fields: Record<string, unknown>, ...key: unknown[]) {
  return {
    id: '10001',
    key: (key.length > 0 ? key[0] : 'PAY-1') as string,
    fields: {
      created: '2026-03-01T10:00:00.000+0100',
      status: { name: 'Open', statusCategory: { key: 'new' } },
      ...fields,
    },
  };
}

describe('findMalformation', () => {
  it('accepts a sound issue, empty optional dates and config-mapped statuses', () => {
    expect(findMalformation(issue({}), rules)).toBeUndefined();
    expect(
      findMalformation(issue({ updated: null, customfield_3: null }), rules),
    ).toBeUndefined();
    expect(
      findMalformation(
        issue({
          status: { name: 'Quarantined', statusCategory: { key: 'x' } },
        }),
        rules,
      ),
    ).toBeUndefined();
  });

  it.each([
    [issue({}, ''), 'key'],
    [issue({}, undefined), 'key'],
    [issue({ created: undefined }), 'created'],
    [issue({ created: '03/01/2026' }), 'created'],
    [issue({ customfield_3: 'soon' }), 'customfield_3 (plannedStart)'],
    [
      issue({
        status: { name: 'Limbo', statusCategory: { key: 'undefined' } },
      }),
      'status',
    ],
    [issue({ status: undefined }), 'status'],
  ])('names the field of a malformed issue (%#)', (malformed, field) => {
    expect(findMalformation(malformed as any, rules)?.field).toBe(field);
  });
});
