/**
 * Times are stored as epoch milliseconds (see the records migration). The pg
 * driver returns bigint columns as strings, so every read goes through
 * {@link fromDbTime}.
 */
export function toDbTime(iso: string): number;
export function toDbTime(iso: string | undefined): number | null;
export function toDbTime(iso: string | undefined): number | null {
  if (iso === undefined) {
    return null;
  }
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw new TypeError(`Invalid timestamp '${iso}'`);
  }
  return ms;
}

export function fromDbTime(value: unknown): string | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  return new Date(Number(value)).toISOString();
}

/** A bigint or numeric column as a JS number (pg returns strings). */
export function fromDbNumber(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}
