/**
 * VBR writes date-times in the backup server's local time with its UTC
 * offset and as many fractional digits as it likes
 * (`2025-11-05T18:01:26.520805+01:00`, `2025-02-12T04:24:16.2+03:00`).
 * Records carry UTC ISO strings, so every time passes through here.
 */
const VEEAM_DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Epoch milliseconds of a VBR date-time; undefined for null, empty or unparseable values. */
export function parseVeeamTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') {
    return undefined;
  }
  const match = VEEAM_DATE_TIME.exec(value.trim());
  if (!match) {
    return undefined;
  }
  const [, date, time, fraction = '', zone] = match;
  const millis = fraction.padEnd(3, '0').slice(0, 3);
  const offset =
    !zone || zone.toUpperCase() === 'Z'
      ? 'Z'
      : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const parsed = Date.parse(
    `${date}T${time.length === 5 ? `${time}:00` : time}.${millis}${offset}`,
  );
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** The UTC ISO string of a VBR date-time, or undefined. */
export function veeamTimeToIso(value: unknown): string | undefined {
  const parsed = parseVeeamTime(value);
  return parsed === undefined ? undefined : new Date(parsed).toISOString();
}
