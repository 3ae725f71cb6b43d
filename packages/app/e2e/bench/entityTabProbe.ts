/*
 * In-page instrumentation of the ITOps entity tab for the browser
 * benchmark (scripts/bench-entity-tab.sh). Installed with
 * `page.addInitScript`, so it runs before the app: a MutationObserver
 * records, in the page's own clock (ms since navigation start), when each
 * card first shows its data and when the last of them has been painted.
 * Measuring in the page keeps Playwright's round trips out of the numbers.
 *
 * Everything inside `installEntityTabProbe` is serialised into the page:
 * it must not reference anything outside its own body.
 */

/** The cards of a service's tab, as the probe names them. */
export type TabCard = 'oncall' | 'incidents' | 'changes' | 'backups' | 'kpis';

export interface EntityTabProbeState {
  /** When each card first held its data, in ms since navigation start. */
  cards: Partial<Record<TabCard, number>>;
  /** The frame after the last card's data: every card painted. */
  allPaintedAt?: number;
  longTasks: { count: number; longestMs: number; totalMs: number };
}

declare global {
  interface Window {
    __entityTabProbe?: EntityTabProbeState;
  }
}

export function installEntityTabProbe(): void {
  const state: EntityTabProbeState = {
    cards: {},
    longTasks: { count: 0, longestMs: 0, totalMs: 0 },
  };
  const q = (selector: string) => document.querySelector(selector);
  // The same evidence as the entity-page e2e: each card with real rows.
  const drawn: Record<TabCard, () => boolean> = {
    oncall: () => Boolean(q('section[aria-label="Escalation level 1"] li')),
    incidents: () =>
      Boolean(q('table[aria-label="Newest open incidents"] tbody a')),
    changes: () => Boolean(q('table[aria-label="Upcoming changes"] tbody a')),
    backups: () => Boolean(q('table[aria-label="Backup jobs"] tbody tr')),
    kpis: () =>
      [...document.querySelectorAll('section[aria-labelledby]')].some(
        section =>
          document
            .getElementById(section.getAttribute('aria-labelledby') ?? '')
            ?.textContent?.trim() === 'MTTR',
      ),
  };
  const names = Object.keys(drawn) as TabCard[];
  let waitingForPaint = false;
  const check = () => {
    for (const name of names) {
      if (state.cards[name] === undefined && drawn[name]()) {
        state.cards[name] = performance.now();
      }
    }
    if (!waitingForPaint && names.every(n => state.cards[n] !== undefined)) {
      waitingForPaint = true;
      // The next frame, then the task after it: the frame has painted.
      requestAnimationFrame(() =>
        setTimeout(() => {
          state.allPaintedAt = performance.now();
        }),
      );
    }
  };
  new MutationObserver(check).observe(document, {
    childList: true,
    subtree: true,
    characterData: true,
  });
  try {
    new PerformanceObserver(list => {
      for (const entry of list.getEntries()) {
        state.longTasks.count++;
        state.longTasks.totalMs += entry.duration;
        state.longTasks.longestMs = Math.max(
          state.longTasks.longestMs,
          entry.duration,
        );
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // No long-task timing in this browser: the column stays at zero.
  }
  window.__entityTabProbe = state;
}
