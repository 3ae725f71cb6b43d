/*
 * In-page instrumentation of the change calendar for the browser
 * benchmark. Installed with `page.addInitScript`, so it runs before the
 * app on every navigation: a MutationObserver records, in the page's own
 * clock (ms since navigation start), the first moment each view is drawn
 * with its data, and a PerformanceObserver the long tasks. Measuring in
 * the page keeps Playwright's round trips out of the numbers.
 *
 * Everything inside `installCalendarProbe` is serialised into the page:
 * it must not reference anything outside its own body.
 */

/** When a view was first drawn with data, in ms since navigation start. */
export interface RenderMark {
  /** The DOM held the view with its data. */
  domAt: number;
  /** The frame after that: the view has been painted; unset until then. */
  paintAt?: number;
}

export interface CalendarProbeState {
  marks: Partial<Record<'month' | 'week' | 'agenda', RenderMark>>;
  /** Long tasks (> 50 ms) since the last reset: count, longest and sum. */
  longTasks: { count: number; longestMs: number; totalMs: number };
  /**
   * Day counts the week grid was seen with other than 7: the month's days
   * drawn in the week layout while the week's data loads.
   */
  weekGridSizes: number[];
}

declare global {
  interface Window {
    __calendarProbe?: CalendarProbeState & {
      /** Forgets marks and long tasks, e.g. before an interaction. */
      reset(): void;
    };
  }
}

export function installCalendarProbe(): void {
  const state: CalendarProbeState = {
    marks: {},
    longTasks: { count: 0, longestMs: 0, totalMs: 0 },
    weekGridSizes: [],
  };
  const chip = '[data-testid^="change-"]';
  // A day's "+N more" is the only button of a cell that is not a chip.
  const more = '[role="gridcell"] button:not([data-testid])';
  const drawn: Record<'month' | 'week' | 'agenda', () => boolean> = {
    month: () => {
      const grid = document.querySelector(
        '[role="grid"][aria-label="month calendar"]',
      );
      return Boolean(grid?.querySelector(chip) && grid.querySelector(more));
    },
    week: () => {
      const grid = document.querySelector(
        '[role="grid"][aria-label="week calendar"]',
      );
      if (!grid) return false;
      const days = grid.querySelectorAll('[role="gridcell"]').length;
      if (days !== 7) {
        if (!state.weekGridSizes.includes(days)) state.weekGridSizes.push(days);
        return false;
      }
      return Boolean(grid.querySelector(chip));
    },
    agenda: () =>
      Boolean(
        document.querySelector(
          '[aria-label="agenda"] [data-testid^="agenda-"]',
        ),
      ),
  };
  const check = () => {
    for (const view of ['month', 'week', 'agenda'] as const) {
      if (!state.marks[view] && drawn[view]()) {
        const domAt = performance.now();
        const mark: RenderMark = { domAt };
        state.marks[view] = mark;
        // The next frame, then the task after it: the frame has painted.
        requestAnimationFrame(() =>
          setTimeout(() => {
            mark.paintAt = performance.now();
          }),
        );
      }
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
    // No long-task timing in this browser: the columns stay at zero.
  }
  window.__calendarProbe = Object.assign(state, {
    reset() {
      state.marks = {};
      state.longTasks = { count: 0, longestMs: 0, totalMs: 0 };
      state.weekGridSizes = [];
    },
  });
}
