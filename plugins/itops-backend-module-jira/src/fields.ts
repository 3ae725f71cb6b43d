/**
 * JSM keeps change data in custom fields whose ids differ per site, so
 * they are found by name through `/rest/api/{2,3}/field`; config can name
 * the id instead where a site calls them differently.
 */

export const CHANGE_FIELD_ROLES = [
  'changeType',
  'changeRisk',
  'plannedStart',
  'plannedEnd',
  'actualStart',
  'actualEnd',
  'affectedServices',
  'approvals',
] as const;

export type ChangeFieldRole = (typeof CHANGE_FIELD_ROLES)[number];

/**
 * Names each role goes by, first match wins: current JSM Cloud names first,
 * then the classic ones.
 */
const FIELD_NAMES: Record<ChangeFieldRole, readonly string[]> = {
  changeType: ['Change type'],
  changeRisk: ['Change risk', 'Risk'],
  plannedStart: ['Planned start', 'Change start date'],
  plannedEnd: ['Planned end', 'Change completion date'],
  actualStart: ['Actual start'],
  actualEnd: ['Actual end'],
  affectedServices: ['Affected services'],
  approvals: ['Approvals'],
};

/** One entry of `GET /rest/api/3/field`. */
export interface JiraField {
  id: string;
  name: string;
  custom?: boolean;
  /** `custom` is the field type's key, e.g. `com.atlassian.servicedesk:sd-sla-field`. */
  schema?: { type?: string; custom?: string };
}

export type ChangeFieldIds = Partial<Record<ChangeFieldRole, string>>;

/**
 * The field id of each role: the configured one, else the first field
 * whose name matches (case-insensitively). Roles without either are left
 * out and their record fields stay empty.
 */
export function resolveChangeFields(
  fields: readonly JiraField[],
  configured: ChangeFieldIds,
): ChangeFieldIds {
  const byName = new Map<string, string>();
  for (const field of fields) {
    const name = field.name.trim().toLowerCase();
    // Custom fields win over a system field of the same name.
    if (!byName.has(name) || field.custom) {
      byName.set(name, field.id);
    }
  }
  const result: ChangeFieldIds = {};
  for (const role of CHANGE_FIELD_ROLES) {
    const id =
      configured[role] ??
      FIELD_NAMES[role]
        .map(name => byName.get(name.toLowerCase()))
        .find(found => found !== undefined);
    if (id) {
      result[role] = id;
    }
  }
  return result;
}
