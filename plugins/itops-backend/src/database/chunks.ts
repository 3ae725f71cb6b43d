/**
 * `items` in consecutive slices of at most `size`: statements take a
 * bounded number of bound values, so long id lists are read or written in
 * several.
 */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const slices: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    slices.push(items.slice(i, i + size));
  }
  return slices;
}
