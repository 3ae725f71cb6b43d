/**
 * A state, risk, type or outcome code as a reader says it: "in_progress" →
 * "In progress", "very_high" → "Very high". Codes are the API's normalised
 * values (the source's own label is shown next to them where it differs);
 * "—" for none.
 */
export function codeLabel(code: string | undefined | null): string {
  if (!code) {
    return '—';
  }
  const words = code.replace(/[_-]+/g, ' ').trim().toLocaleLowerCase('en-US');
  return words.charAt(0).toLocaleUpperCase('en-US') + words.slice(1);
}
