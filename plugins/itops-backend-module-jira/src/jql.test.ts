import { jql, jqlField, quoteJqlValue, renderJql } from './jql';

describe('JQL builder', () => {
  it('quotes every value and escapes quotes and backslashes', () => {
    expect(quoteJqlValue('PAY')).toBe('"PAY"');
    expect(quoteJqlValue('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteJqlValue('a\\b')).toBe('"a\\\\b"');
    // A value trying to close the string and add a clause stays one value.
    expect(
      renderJql({ where: jql.eq('component', 'x" OR project = "SECRET') }),
    ).toBe('component = "x\\" OR project = \\"SECRET"');
  });

  it('refuses control characters rather than sending them', () => {
    expect(() => quoteJqlValue('two\nlines')).toThrow(/control character/);
  });

  it('writes custom fields as cf[N] and quotes field names with spaces', () => {
    expect(jqlField('customfield_10042')).toBe('cf[10042]');
    expect(jqlField('updated')).toBe('updated');
    expect(jqlField('Change type')).toBe('"Change type"');
  });

  it('combines conditions, parenthesising nested groups, with an order', () => {
    const text = renderJql({
      where: jql.and(
        jql.in('project', ['PAY', 'SHOP']),
        jql.or(jql.eq('issuetype', 'Incident'), jql.eq('labels', 'p1')),
        undefined,
        jql.compare('updated', '>=', '2026/03/10 11:59'),
      ),
      orderBy: [{ field: 'updated', direction: 'ASC' }],
    });
    expect(text).toBe(
      'project IN ("PAY", "SHOP") AND (issuetype = "Incident" OR labels = "p1") AND updated >= "2026/03/10 11:59" ORDER BY updated ASC',
    );
  });

  it('keeps operator-written JQL whole in parentheses', () => {
    expect(
      renderJql({
        where: jql.and(
          jql.raw('type = Incident OR labels = outage'),
          jql.notIn('status', ['Canceled']),
        ),
      }),
    ).toBe(
      '(type = Incident OR labels = outage) AND status NOT IN ("Canceled")',
    );
  });

  it('refuses empty IN lists and empty groups', () => {
    expect(() => renderJql({ where: jql.in('project', []) })).toThrow(
      /at least one value/,
    );
    expect(() => renderJql({ where: jql.and() })).toThrow(/AND of nothing/);
  });
});
