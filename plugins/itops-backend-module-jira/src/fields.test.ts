import { resolveChangeFields } from './fields';

describe('resolveChangeFields', () => {
  const siteFields = [
    { id: 'summary', name: 'Summary', custom: false },
    { id: 'customfield_10231', name: 'Change type', custom: true },
    { id: 'customfield_10240', name: 'change risk', custom: true },
    { id: 'customfield_10233', name: 'Change start date', custom: true },
    { id: 'customfield_10250', name: 'Planned start', custom: true },
    { id: 'customfield_10251', name: 'Change completion date', custom: true },
    { id: 'customfield_10300', name: 'Affected services', custom: true },
  ];

  it('finds the change fields by name, case-insensitively', () => {
    expect(resolveChangeFields(siteFields, {})).toEqual({
      changeType: 'customfield_10231',
      changeRisk: 'customfield_10240',
      // The current name wins over the classic one when both exist.
      plannedStart: 'customfield_10250',
      plannedEnd: 'customfield_10251',
      affectedServices: 'customfield_10300',
    });
  });

  it('lets config name a field whose name differs on the site', () => {
    expect(
      resolveChangeFields(siteFields, {
        plannedStart: 'customfield_99',
        approvals: 'customfield_77',
      }),
    ).toMatchObject({
      plannedStart: 'customfield_99',
      approvals: 'customfield_77',
      changeType: 'customfield_10231',
    });
  });

  it('leaves out roles the site has no field for', () => {
    expect(
      resolveChangeFields([{ id: 'summary', name: 'Summary' }], {}),
    ).toEqual({});
  });
});
