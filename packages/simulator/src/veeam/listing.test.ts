import {
  pageOf,
  readPageParams,
  sortInPlace,
  wildcardMatcher,
} from './listing';

describe('Veeam listing helpers', () => {
  it('matches nameFilter wildcards against the whole name, ignoring case', () => {
    const matches = wildcardMatcher('*sql*');
    expect(matches('Prod SQL Backup')).toBe(true);
    expect(matches('Oracle')).toBe(false);
    expect(wildcardMatcher('Backup Job 1')('backup job 1')).toBe(true);
    expect(wildcardMatcher('Backup Job 1')('Backup Job 10')).toBe(false);
    expect(wildcardMatcher('a.b(c)*')('a.b(c) copy')).toBe(true);
    expect(wildcardMatcher('a.b(c)*')('axb(c)')).toBe(false);
  });

  it('reads paging parameters with VBR defaults and canonical column names', () => {
    expect(readPageParams(new URLSearchParams(''), ['Name'])).toEqual({
      skip: 0,
      limit: 200,
      orderColumn: undefined,
      orderAsc: true,
    });
    expect(
      readPageParams(
        new URLSearchParams('orderColumn=name&orderAsc=False&skip=5&limit=7'),
        ['Name'],
      ),
    ).toEqual({ skip: 5, limit: 7, orderColumn: 'Name', orderAsc: false });
  });

  it('sorts stably with nulls first when ascending', () => {
    const items = [
      { id: 1, at: 3 },
      { id: 2, at: null },
      { id: 3, at: 1 },
      { id: 4, at: 3 },
    ];
    sortInPlace(items, item => item.at, true);
    expect(items.map(i => i.id)).toEqual([2, 3, 1, 4]);
    sortInPlace(items, item => item.at, false);
    expect(items.map(i => i.id)).toEqual([1, 4, 3, 2]);
  });

  it('filters before paging and reports the filtered total', () => {
    const page = pageOf(
      Array.from({ length: 10 }, (_, i) => i),
      { skip: 2, limit: 2, orderAsc: true },
      { filters: [n => n % 2 === 0], sortKeys: {}, render: n => n * 10 },
    );
    expect(page).toEqual({
      data: [40, 60],
      pagination: { total: 5, count: 2, skip: 2, limit: 2 },
    });
  });
});
