import {
  assertEncodedQueryFragment,
  assertFieldName,
  encodedQuery,
  isSafeQueryValue,
} from './query';

describe('encodedQuery', () => {
  it('joins conditions with ^, ORs with ^OR and orders last', () => {
    const query = encodedQuery()
      .where('active', '=', 'true')
      .where('priority', '<=', '2')
      .orWhere('major_incident_state', '=', 'accepted')
      .whereIn('state', ['1', '2', '3'])
      .whereNotEmpty('cmdb_ci')
      .orderBy('sys_updated_on')
      .orderBy('sys_id', 'desc');
    expect(query.toString()).toBe(
      'active=true^priority<=2^ORmajor_incident_state=accepted^stateIN1,2,3^cmdb_ciISNOTEMPTY^ORDERBYsys_updated_on^ORDERBYDESCsys_id',
    );
  });

  it('keeps dot-walked fields and date-time values as they are', () => {
    expect(
      encodedQuery()
        .where('assignment_group.name', 'STARTSWITH', 'Pay ments')
        .where('sys_updated_on', '>=', '2026-11-25 12:00:00')
        .toString(),
    ).toBe(
      'assignment_group.nameSTARTSWITHPay ments^sys_updated_on>=2026-11-25 12:00:00',
    );
  });

  it.each([['x^NQactive=false'], ['Payments^ORpriority=1'], ['a^b'], ['^']])(
    'refuses the value %p, which would change the query',
    value => {
      expect(() => encodedQuery().where('name', '=', value)).toThrow(
        /cannot escape/,
      );
      expect(isSafeQueryValue(value)).toBe(false);
    },
  );

  it('refuses javascript: values, which the instance would evaluate', () => {
    // Spelt in parts: linters flag script URLs in source.
    const script = (code: string) => ['javascript', code].join(':');
    expect(() =>
      encodedQuery().where(
        'opened_at',
        '>',
        ` ${script('gs.daysAgo(1)')}`.replace('j', 'J'),
      ),
    ).toThrow(/javascript/);
    expect(isSafeQueryValue(script('gs.getUserID()'))).toBe(false);
  });

  it('refuses commas inside IN values and line breaks anywhere', () => {
    expect(() => encodedQuery().whereIn('name', ['a', 'b,c'])).toThrow(
      /IN list/,
    );
    expect(() => encodedQuery().where('name', '=', 'a\nb')).toThrow(
      /line break/,
    );
  });

  it('makes an empty IN list match nothing instead of everything', () => {
    expect(encodedQuery().whereIn('sys_id', []).toString()).toBe(
      'sys_idISEMPTY',
    );
  });

  it('refuses field names that are not column names', () => {
    expect(() => encodedQuery().where('name^ORactive', '=', 'x')).toThrow(
      /not a ServiceNow field name/,
    );
    expect(() => encodedQuery().orderBy('sys_id^NQx=1')).toThrow();
    expect(assertFieldName('u_custom.name')).toBe('u_custom.name');
  });

  it('ANDs operator-written fragments but refuses ^NQ, ORDERBY and dangling carets', () => {
    expect(
      encodedQuery()
        .and('company=abc^ORcompany=def^EQ')
        .where('sys_updated_on', '>=', '2026-01-01 00:00:00')
        .toString(),
    ).toBe('company=abc^ORcompany=def^sys_updated_on>=2026-01-01 00:00:00');
    expect(() => assertEncodedQueryFragment('a=1^NQb=2')).toThrow(/\^NQ/);
    expect(() => assertEncodedQueryFragment('a=1^ORDERBYnumber')).toThrow(
      /ORDERBY/,
    );
    expect(() => assertEncodedQueryFragment('a=1^OR')).toThrow(/end/);
  });

  it('needs a condition before orWhere', () => {
    expect(() => encodedQuery().orWhere('a', '=', 'b')).toThrow(/before/);
  });
});
