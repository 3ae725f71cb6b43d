/**
 * Text that must never reach a caller of the API: SQL, driver errors,
 * stack frames, source paths and the messages of JavaScript bugs.
 */
export const INTERNAL_TEXT =
  /\bselect\b[^"]{0,200}\bfrom\b|\binsert into\b|\bdelete from\b|\bupdate\s+\S+\s+set\b|SqliteError|\bat \S+ \(?\S+\.[jt]s:\d+|\/node_modules\/|\/src\/\S+\.[jt]s|is not a function|Cannot read propert/i;
