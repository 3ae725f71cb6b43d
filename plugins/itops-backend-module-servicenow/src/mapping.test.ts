import { ConfigReader } from '@backstage/config';
import { readInstanceOptions } from './config';
import { incidentFields, toChange, toIncident } from './mapping';

const BASE = 'https://acme.service-now.com';

function options(extra: object = {}) {
  return readInstanceOptions(
    'prod',
    new ConfigReader({
      baseUrl: BASE,
      auth: { username: 'u', password: 'p' },
      ...extra,
    }),
  );
}

const incidentRow = {
  sys_id: 'a9e30c7dc61122760116894de7bcc7bd',
  number: 'INC0000046',
  short_description: "Can't access SFA software",
  state: '6',
  active: 'true',
  priority: '2',
  opened_at: '2025-11-02 22:04:15',
  sys_created_on: '2025-11-02 22:04:15',
  resolved_at: '2025-11-03 08:37:27',
  closed_at: '',
  sys_updated_on: '2025-11-03 08:37:27',
  assignment_group: '8a4dde73c6112278017a6a4baf547aa7',
  'assignment_group.name': 'Network',
  cmdb_ci: 'a9c0c8d2c6112276018f7705562f9cb0',
  business_service: '',
  'business_service.name': '',
  major_incident_state: 'accepted',
  category: 'security',
  made_sla: 'false',
  caused_by: '',
  rfc: '',
};

describe('toIncident', () => {
  it('normalizes a Table API incident', () => {
    const { incidents } = options();
    expect(toIncident(incidentRow, incidents, BASE)).toEqual({
      externalId: incidentRow.sys_id,
      url: `${BASE}/nav_to.do?uri=incident.do%3Fsys_id%3D${incidentRow.sys_id}`,
      sourceUpdatedAt: '2025-11-03T08:37:27.000Z',
      keys: [
        { type: 'servicenow-ci', value: incidentRow.cmdb_ci },
        { type: 'servicenow-group', value: 'Network' },
      ],
      number: 'INC0000046',
      title: "Can't access SFA software",
      state: 'resolved',
      sourceState: '6',
      priority: 2,
      openedAt: '2025-11-02T22:04:15.000Z',
      acknowledgedAt: undefined,
      resolvedAt: '2025-11-03T08:37:27.000Z',
      closedAt: undefined,
      detectedAt: undefined,
      assignmentGroup: 'Network',
      linkedChanges: [],
      major: true,
      security: true,
      personalDataBreach: undefined,
      breachAwareAt: undefined,
      authorityNotifiedAt: undefined,
      slaMet: false,
      category: 'security',
    });
  });

  it('reads category and subcategory, telling "none" from "not readable"', () => {
    const { incidents } = options();
    expect(incidentFields(incidents)).toEqual(
      expect.arrayContaining(['category', 'subcategory']),
    );
    const read = toIncident(
      { ...incidentRow, category: ' Database ', subcategory: 'capacity' },
      incidents,
      BASE,
    );
    expect(read).toMatchObject({
      category: 'Database',
      subcategory: 'capacity',
    });
    // Read but empty is '' (none); left out of the row (a field ACL) is unknown.
    const empty = toIncident(
      { ...incidentRow, category: '', subcategory: '' },
      incidents,
      BASE,
    );
    expect(empty).toMatchObject({ category: '', subcategory: '' });
    const { category: _c, ...hidden } = incidentRow;
    const unknown = toIncident(hidden, incidents, BASE);
    expect(unknown.category).toBeUndefined();
    expect(unknown.subcategory).toBeUndefined();
  });

  it('reads customised state codes and configured fields', () => {
    const { incidents } = options({
      incidents: {
        states: { resolved: ['6', '106'], on_hold: ['3', '-40'] },
        personalDataBreach: { field: 'u_gdpr_breach' },
        breachAwareAtField: 'u_breach_aware_at',
        authorityNotifiedAtField: 'u_dpa_notified_at',
        security: { field: 'u_security', values: ['yes'] },
      },
    });
    const record = toIncident(
      {
        ...incidentRow,
        state: '106',
        u_gdpr_breach: 'true',
        u_breach_aware_at: '2025-11-02 23:00:00',
        u_dpa_notified_at: '2025-11-04 10:00:00',
        u_security: 'no',
      },
      incidents,
      BASE,
    );
    expect(record).toMatchObject({
      state: 'resolved',
      sourceState: '106',
      personalDataBreach: true,
      breachAwareAt: '2025-11-02T23:00:00.000Z',
      authorityNotifiedAt: '2025-11-04T10:00:00.000Z',
      security: false,
    });
  });

  it('keeps unknown state codes as the source state instead of dropping the record', () => {
    const { incidents } = options();
    expect(
      toIncident(
        { ...incidentRow, state: '42', active: 'true' },
        incidents,
        BASE,
      ),
    ).toMatchObject({ state: 'in_progress', sourceState: '42' });
    expect(
      toIncident(
        { ...incidentRow, state: '43', active: 'false' },
        incidents,
        BASE,
      ),
    ).toMatchObject({ state: 'closed', sourceState: '43', slaMet: false });
  });

  it('falls back to the creation time and the lowest priority when fields are empty', () => {
    const { incidents } = options();
    const record = toIncident(
      { ...incidentRow, opened_at: '', priority: '', state: '2' },
      incidents,
      BASE,
    );
    expect(record.openedAt).toBe('2025-11-02T22:04:15.000Z');
    expect(record.priority).toBe(5);
    // made_sla means nothing while the incident is open.
    expect(record.slaMet).toBeUndefined();
  });
});

describe('toChange', () => {
  const changeRow = {
    sys_id: 'ea1b0000000000000000000000000001',
    number: 'CHG0000024',
    short_description: 'Upgrade the payments database',
    type: 'normal',
    state: '3',
    active: 'false',
    risk: '2',
    start_date: '2025-07-06 18:00:00',
    end_date: '2025-07-06 20:00:00',
    work_start: '2025-07-06 18:05:00',
    work_end: '2025-07-06 19:40:00',
    approval: 'approved',
    approval_set: '2025-07-01 09:00:00',
    close_code: 'successful_issues',
    assignment_group: 'g',
    'assignment_group.name': 'Payments',
    cmdb_ci: 'c'.repeat(32),
    business_service: 'b'.repeat(32),
    'business_service.name': 'Payments API',
    sys_updated_on: '2025-07-06 20:10:00',
  };

  it('normalizes a change request', () => {
    const { changes } = options();
    expect(toChange(changeRow, changes, BASE)).toEqual({
      externalId: changeRow.sys_id,
      url: `${BASE}/nav_to.do?uri=change_request.do%3Fsys_id%3D${changeRow.sys_id}`,
      sourceUpdatedAt: '2025-07-06T20:10:00.000Z',
      keys: [
        { type: 'servicenow-ci', value: changeRow.cmdb_ci },
        { type: 'servicenow-ci', value: changeRow.business_service },
        { type: 'servicenow-service', value: 'Payments API' },
        { type: 'servicenow-group', value: 'Payments' },
      ],
      number: 'CHG0000024',
      title: 'Upgrade the payments database',
      type: 'normal',
      state: 'closed',
      sourceState: '3',
      risk: 'high',
      plannedStart: '2025-07-06T18:00:00.000Z',
      plannedEnd: '2025-07-06T20:00:00.000Z',
      actualStart: '2025-07-06T18:05:00.000Z',
      actualEnd: '2025-07-06T19:40:00.000Z',
      approval: 'approved',
      approvedAt: '2025-07-01T09:00:00.000Z',
      outcome: 'successful_with_issues',
      sourceOutcome: undefined,
      implementerGroup: 'Payments',
    });
  });

  it('reads the category and when the change was raised', () => {
    const { changes } = options();
    expect(
      toChange(
        {
          ...changeRow,
          category: ' Security ',
          opened_at: '2025-06-30 08:00:00',
        },
        changes,
        BASE,
      ),
    ).toMatchObject({
      category: 'Security',
      openedAt: '2025-06-30T08:00:00.000Z',
    });
    // Read but empty is '' (no category); left out of the row (a field ACL)
    // is unknown; without opened_at the creation time is the raise time.
    const empty = toChange(
      { ...changeRow, category: '', sys_created_on: '2025-06-29 07:00:00' },
      changes,
      BASE,
    );
    expect(empty.category).toBe('');
    expect(empty.openedAt).toBe('2025-06-29T07:00:00.000Z');
    expect(toChange(changeRow, changes, BASE).category).toBeUndefined();
  });

  it('reads requester and implementer as sys_user sys_ids, none when empty or hidden', () => {
    const { changes } = options();
    const record = toChange(
      { ...changeRow, requested_by: 'u-req ', assigned_to: 'u-impl' },
      changes,
      BASE,
    );
    expect(record).toMatchObject({
      requestedBy: 'u-req',
      implementedBy: 'u-impl',
    });
    const empty = toChange(
      { ...changeRow, requested_by: '', assigned_to: '' },
      changes,
      BASE,
    );
    expect(empty.requestedBy).toBeUndefined();
    expect(empty.implementedBy).toBeUndefined();
  });

  it('keeps close codes and states the config does not know', () => {
    const { changes } = options({
      changes: { types: { emergency: ['emergency', 'expedited'] } },
    });
    expect(
      toChange(
        {
          ...changeRow,
          close_code: 'rolled_back',
          type: 'expedited',
          state: '9',
        },
        changes,
        BASE,
      ),
    ).toMatchObject({
      outcome: undefined,
      sourceOutcome: 'rolled_back',
      type: 'emergency',
      state: 'closed',
      sourceState: '9',
    });
  });
});
