import type { ItopsFreezeWindow } from './types';

/** The freeze windows overlapping `[start, end)`. */
export function freezesDuring(
  windows: readonly ItopsFreezeWindow[],
  start: number,
  end: number,
): ItopsFreezeWindow[] {
  return windows.filter(
    w => Date.parse(w.start) < end && Date.parse(w.end) > start,
  );
}

/** Whom a freeze applies to, in a few words. */
export function freezeScopeText(window: ItopsFreezeWindow): string {
  if (window.global) return 'all entities';
  const scope = window.scope;
  const parts = scope
    ? [
        ...scope.systems,
        ...scope.groups,
        ...scope.entities,
        ...scope.tags.map(tag => `tag ${tag}`),
      ]
    : window.entityRefs;
  return parts.length ? parts.join(', ') : 'no mapped entities';
}
