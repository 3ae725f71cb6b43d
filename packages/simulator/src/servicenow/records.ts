import { snDateTime } from './format';
import type { SnRow } from './store';

/** The `sys_*` columns every record carries. */
export function systemFields(options: {
  sysId: string;
  className: string;
  createdOn: Date;
  updatedOn: Date;
  modCount?: number;
  by?: string;
}): SnRow {
  return {
    sys_id: options.sysId,
    sys_class_name: options.className,
    sys_created_on: snDateTime(options.createdOn),
    sys_created_by: options.by ?? 'admin',
    sys_updated_on: snDateTime(options.updatedOn),
    sys_updated_by: options.by ?? 'admin',
    sys_mod_count: String(options.modCount ?? 0),
  };
}

/** `INC0010042`-style task numbers. */
export function taskNumber(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(7, '0')}`;
}

/** The later of two dates, for "last updated" bookkeeping. */
export function latest(...dates: Array<Date | undefined>): Date {
  return new Date(
    Math.max(...dates.filter((d): d is Date => !!d).map(d => d.getTime())),
  );
}
