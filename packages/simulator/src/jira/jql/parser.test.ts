import { JqlError } from './errors';
import { parseJql } from './parser';

function messageOf(query: string): string {
  try {
    parseJql(query);
  } catch (error) {
    expect(error).toBeInstanceOf(JqlError);
    return (error as JqlError).messages.join(' ');
  }
  throw new Error(`parsed: ${query}`);
}

describe('parseJql', () => {
  it('binds AND tighter than OR and NOT tighter than AND', () => {
    const { where } = parseJql('NOT a = 1 AND b = 2 OR c = 3');
    expect(where).toMatchObject({
      type: 'or',
      left: {
        type: 'and',
        left: { type: 'not', expression: { field: 'a', operator: '=' } },
        right: { field: 'b' },
      },
      right: { field: 'c' },
    });
  });

  it('honours parentheses, && and || and !', () => {
    const { where } = parseJql('a = 1 && !(b = 2 || c = 3)');
    expect(where).toMatchObject({
      type: 'and',
      right: { type: 'not', expression: { type: 'or' } },
    });
  });

  it('reads lists, functions, EMPTY and quoted names', () => {
    const { where } = parseJql(
      '"Change type" not in (Normal, \'Emergency\') and created >= startOfDay(-1) and assignee is not empty',
    );
    expect(where).toMatchObject({
      left: {
        left: {
          field: 'Change type',
          operator: 'NOT IN',
          operands: [
            { kind: 'value', value: 'Normal' },
            { kind: 'value', value: 'Emergency' },
          ],
        },
        right: {
          operator: '>=',
          operands: [{ kind: 'function', name: 'startOfDay', args: ['-1'] }],
        },
      },
      right: { operator: 'IS NOT', operands: [{ kind: 'empty' }] },
    });
  });

  it('keeps relative dates and cf[] names as single words', () => {
    const { where } = parseJql(
      'cf[10042] <= -4w and updated > "2026-01-02 10:00"',
    );
    expect(where).toMatchObject({
      left: {
        field: 'cf[10042]',
        operator: '<=',
        operands: [{ value: '-4w' }],
      },
      right: { operands: [{ value: '2026-01-02 10:00' }] },
    });
  });

  it('reads ORDER BY with and without a restriction', () => {
    expect(
      parseJql('project = PAY order by priority desc, created'),
    ).toMatchObject({
      orderBy: [
        { field: 'priority', direction: 'DESC' },
        { field: 'created', direction: 'ASC' },
      ],
    });
    expect(parseJql('ORDER BY key').where).toBeUndefined();
  });

  it.each([
    [
      'project = ',
      'Expecting either a value, list or function before the end of the query.',
    ],
    [
      'project = PAY status = Open',
      "Expecting either 'OR' or 'AND' but got 'status'. (line 1, character 15)",
    ],
    ['project in PAY', "Expecting '(' but got 'PAY'."],
    ['project = and', "'and' is a reserved JQL word."],
    ['(project = PAY', "Expecting ')' before the end of the query."],
    ['project = PAY ORDER created', "Expecting 'BY' but got 'created'."],
    ['status is Open', "Expecting 'EMPTY' or 'NULL' but got 'Open'."],
    [
      'summary ~ "open',
      "The quoted string 'open' has not been completed. (line 1, character 11)",
    ],
    [
      'project = PAY\nAND ; = 1',
      "The character ';' is a reserved JQL character. You must enclose it in a string or use the escape '\\u003b' instead. (line 2, character 5)",
    ],
  ])('rejects %j', (query, message) => {
    expect(messageOf(query)).toContain(message);
  });
});
