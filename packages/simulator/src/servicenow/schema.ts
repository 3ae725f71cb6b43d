/**
 * The tables the simulator serves: their columns, which columns reference
 * other tables, and the labels of choice columns (for
 * `sysparm_display_value`). Columns not listed here are "unknown fields",
 * which ServiceNow silently drops from queries.
 */

export interface TableSchema {
  name: string;
  fields: readonly string[];
  /** Reference column → table it points to. */
  references: Readonly<Record<string, string>>;
  /** Choice column → stored value → label. */
  choices: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Column shown as a reference's display value. */
  displayField: string;
}

const SYS_FIELDS = [
  'sys_id',
  'sys_created_on',
  'sys_created_by',
  'sys_updated_on',
  'sys_updated_by',
  'sys_mod_count',
  'sys_class_name',
];

const IMPACT = { '1': '1 - High', '2': '2 - Medium', '3': '3 - Low' };
const BOOLEAN = { true: 'true', false: 'false' };

const TASK_FIELDS = [
  ...SYS_FIELDS,
  'number',
  'short_description',
  'description',
  'state',
  'active',
  'priority',
  'impact',
  'urgency',
  'assignment_group',
  'assigned_to',
  'opened_at',
  'opened_by',
  'closed_at',
  'closed_by',
  'cmdb_ci',
  'business_service',
  'close_notes',
  'approval',
  'due_date',
  'parent',
];

const TASK_REFERENCES = {
  assignment_group: 'sys_user_group',
  assigned_to: 'sys_user',
  opened_by: 'sys_user',
  closed_by: 'sys_user',
  cmdb_ci: 'cmdb_ci',
  business_service: 'cmdb_ci_service',
};

const CI_FIELDS = [
  ...SYS_FIELDS,
  'name',
  'operational_status',
  'install_status',
  'support_group',
  'managed_by',
  'owned_by',
  'ip_address',
  'fqdn',
  'environment',
  'category',
];

const CI_REFERENCES = {
  support_group: 'sys_user_group',
  managed_by: 'sys_user',
  owned_by: 'sys_user',
};

const CI_CHOICES = {
  operational_status: {
    '1': 'Operational',
    '2': 'Non-Operational',
    '3': 'Repair in Progress',
    '4': 'DR Standby',
    '5': 'Ready',
    '6': 'Retired',
  },
  install_status: {
    '1': 'Installed',
    '3': 'In Maintenance',
    '7': 'Retired',
  },
};

const SPAN_FIELDS = [
  ...SYS_FIELDS,
  'schedule',
  'name',
  'start_date_time',
  'end_date_time',
  'all_day',
  'repeat_type',
  'repeat_count',
  'repeat_until',
  'days_of_week',
  'type',
  'show_as',
];

function table(
  name: string,
  displayField: string,
  fields: readonly string[],
  references: Record<string, string> = {},
  choices: Record<string, Record<string, string>> = {},
): TableSchema {
  return { name, displayField, fields, references, choices };
}

export const SCHEMAS: Readonly<Record<string, TableSchema>> =
  Object.fromEntries(
    [
      table(
        'sys_user',
        'name',
        [
          ...SYS_FIELDS,
          'user_name',
          'name',
          'first_name',
          'last_name',
          'email',
          'phone',
          'mobile_phone',
          'title',
          'active',
          'time_zone',
        ],
        {},
        { active: BOOLEAN },
      ),
      table(
        'sys_user_group',
        'name',
        [
          ...SYS_FIELDS,
          'name',
          'description',
          'active',
          'manager',
          'email',
          'parent',
          'type',
        ],
        { manager: 'sys_user', parent: 'sys_user_group' },
        { active: BOOLEAN },
      ),
      table('sys_user_grmember', 'sys_id', [...SYS_FIELDS, 'group', 'user'], {
        group: 'sys_user_group',
        user: 'sys_user',
      }),
      table('cmdb_ci', 'name', CI_FIELDS, CI_REFERENCES, CI_CHOICES),
      table(
        'cmdb_ci_service',
        'name',
        [
          ...CI_FIELDS,
          'busines_criticality',
          'service_classification',
          'used_for',
        ],
        CI_REFERENCES,
        CI_CHOICES,
      ),
      table(
        'incident',
        'number',
        [
          ...TASK_FIELDS,
          'incident_state',
          'severity',
          'category',
          'subcategory',
          'caller_id',
          'contact_type',
          'resolved_at',
          'resolved_by',
          'close_code',
          'problem_id',
          'rfc',
          'caused_by',
          'reopen_count',
          'reassignment_count',
          'major_incident_state',
          'hold_reason',
          'made_sla',
          // A customer's custom columns (compliance: routing time, GDPR
          // breach record).
          'u_assigned_at',
          'u_gdpr_breach',
          'u_breach_aware_at',
          'u_dpa_notified_at',
          'u_dpa_delay_reason',
        ],
        {
          ...TASK_REFERENCES,
          caller_id: 'sys_user',
          resolved_by: 'sys_user',
          problem_id: 'problem',
          rfc: 'change_request',
          caused_by: 'change_request',
        },
        {
          state: {
            '1': 'New',
            '2': 'In Progress',
            '3': 'On Hold',
            '6': 'Resolved',
            '7': 'Closed',
            '8': 'Canceled',
          },
          priority: {
            '1': '1 - Critical',
            '2': '2 - High',
            '3': '3 - Moderate',
            '4': '4 - Low',
            '5': '5 - Planning',
          },
          impact: IMPACT,
          urgency: IMPACT,
          severity: IMPACT,
          major_incident_state: {
            proposed: 'Proposed',
            accepted: 'Accepted',
            rejected: 'Rejected',
          },
          active: BOOLEAN,
          u_gdpr_breach: BOOLEAN,
        },
      ),
      table(
        'problem',
        'number',
        [
          ...TASK_FIELDS,
          'problem_state',
          'known_error',
          'cause_notes',
          'fix_notes',
          'workaround',
          'resolved_at',
          'first_reported_by_task',
        ],
        { ...TASK_REFERENCES, first_reported_by_task: 'incident' },
        {
          state: {
            '101': 'New',
            '102': 'Assess',
            '103': 'Root Cause Analysis',
            '104': 'Fix in Progress',
            '106': 'Resolved',
            '107': 'Closed',
          },
          impact: IMPACT,
          urgency: IMPACT,
          active: BOOLEAN,
        },
      ),
      table(
        'change_request',
        'number',
        [
          ...TASK_FIELDS,
          'type',
          'risk',
          'category',
          'phase',
          'scope',
          'start_date',
          'end_date',
          'work_start',
          'work_end',
          'cab_required',
          'cab_date',
          'approval_set',
          'close_code',
          'on_hold',
          'requested_by',
          'conflict_status',
          'unauthorized',
          'justification',
          'implementation_plan',
          'backout_plan',
        ],
        { ...TASK_REFERENCES, requested_by: 'sys_user' },
        {
          state: {
            '-5': 'New',
            '-4': 'Assess',
            '-3': 'Authorize',
            '-2': 'Scheduled',
            '-1': 'Implement',
            '0': 'Review',
            '3': 'Closed',
            '4': 'Canceled',
          },
          type: {
            normal: 'Normal',
            standard: 'Standard',
            emergency: 'Emergency',
          },
          risk: { '1': 'Very High', '2': 'High', '3': 'Moderate', '4': 'Low' },
          impact: IMPACT,
          urgency: IMPACT,
          priority: {
            '1': '1 - Critical',
            '2': '2 - High',
            '3': '3 - Moderate',
            '4': '4 - Low',
          },
          approval: {
            'not requested': 'Not Yet Requested',
            requested: 'Requested',
            approved: 'Approved',
            rejected: 'Rejected',
          },
          close_code: {
            successful: 'Successful',
            successful_issues: 'Successful with issues',
            unsuccessful: 'Unsuccessful',
          },
          active: BOOLEAN,
        },
      ),
      table(
        'change_task',
        'number',
        [
          ...TASK_FIELDS,
          'change_request',
          'change_task_type',
          'planned_start_date',
          'planned_end_date',
          'on_hold',
        ],
        { ...TASK_REFERENCES, change_request: 'change_request' },
        {
          state: {
            '-5': 'Pending',
            '1': 'Open',
            '2': 'In Progress',
            '3': 'Closed',
            '4': 'Canceled',
          },
          active: BOOLEAN,
        },
      ),
      ...['cmn_schedule', 'cmn_schedule_blackout'].map(name =>
        table(name, 'name', [
          ...SYS_FIELDS,
          'name',
          'description',
          'time_zone',
          'type',
          'condition',
          'document',
          'document_key',
        ]),
      ),
      table('cmn_schedule_span', 'name', SPAN_FIELDS, {
        schedule: 'cmn_schedule',
      }),
      // On-call's spans (member rotations, covers, time off): a
      // cmn_schedule_span with a roster and a group.
      table(
        'roster_schedule_span',
        'name',
        [...SPAN_FIELDS, 'roster', 'group'],
        {
          schedule: 'cmn_schedule',
          roster: 'cmn_rota_roster',
          group: 'sys_user_group',
        },
      ),
      table(
        'cmn_rota',
        'name',
        [...SYS_FIELDS, 'name', 'group', 'active', 'schedule'],
        { group: 'sys_user_group' },
      ),
      table(
        'cmn_rota_roster',
        'name',
        [
          ...SYS_FIELDS,
          'name',
          'rota',
          'active',
          'rotation_start_date',
          'rotation_interval_count',
          'rotation_interval_type',
        ],
        { rota: 'cmn_rota' },
      ),
      // Deletions of audited tables (source-apis: itsm-kpis-and-push §3.5).
      table('sys_audit_delete', 'display_value', [
        ...SYS_FIELDS,
        'tablename',
        'documentkey',
        'display_value',
        'payload',
      ]),
      table(
        'cmn_rota_member',
        'sys_id',
        [
          ...SYS_FIELDS,
          'roster',
          'member',
          'order',
          'rotation_schedule',
          'from',
          'to',
        ],
        {
          roster: 'cmn_rota_roster',
          member: 'sys_user',
          rotation_schedule: 'cmn_schedule',
        },
      ),
    ].map(schema => [schema.name, schema]),
  );
