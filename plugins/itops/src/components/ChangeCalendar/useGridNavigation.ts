import { DateTime } from 'luxon';
import {
  type KeyboardEvent,
  useCallback,
  useEffect,
  useRef,
  useState,
} from 'react';
import { formatLongDate } from '../shared/time';

/**
 * The day a key moves the focus to, as the ARIA date-grid pattern has it:
 * arrows by a day or a week, Home/End to the week's first or last day
 * (Monday first, as the grid), PageUp/PageDown by a month.
 */
export function dayAfterKey(key: string, date: string): string | undefined {
  const day = DateTime.fromISO(date);
  const moves: Record<string, () => DateTime> = {
    ArrowLeft: () => day.minus({ days: 1 }),
    ArrowRight: () => day.plus({ days: 1 }),
    ArrowUp: () => day.minus({ weeks: 1 }),
    ArrowDown: () => day.plus({ weeks: 1 }),
    Home: () => day.startOf('week'),
    End: () => day.endOf('week'),
    PageUp: () => day.minus({ months: 1 }),
    PageDown: () => day.plus({ months: 1 }),
  };
  return moves[key]?.().toISODate() ?? undefined;
}

/**
 * A roving tab stop over the day cells of a grid: one cell is in the tab
 * order (the last one focused, else the first of `preferred` shown), keys
 * move the focus, and a move past the days shown asks for another period
 * (`onNavigate`) and focuses the day once its cell is drawn.
 */
export function useGridNavigation(props: {
  dates: readonly string[];
  preferred: readonly string[];
  onNavigate(date: string): void;
  onEnter(date: string): void;
}) {
  const { dates, preferred, onNavigate, onEnter } = props;
  const [active, setActive] = useState<string>();
  const cells = useRef(new Map<string, HTMLElement>());
  const pendingFocus = useRef(false);
  const current =
    active && dates.includes(active)
      ? active
      : preferred.find(date => dates.includes(date)) ?? dates[0];

  useEffect(() => {
    if (pendingFocus.current && active && current === active) {
      pendingFocus.current = false;
      cells.current.get(active)?.focus();
    }
  });

  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLElement>, date: string) => {
      if (event.key === 'Enter' || event.key === ' ') {
        // Enter on a change inside the cell is that change's own button.
        if (event.target !== event.currentTarget) return;
        event.preventDefault();
        onEnter(date);
        return;
      }
      const target = dayAfterKey(event.key, date);
      if (!target) return;
      event.preventDefault();
      setActive(target);
      if (dates.includes(target)) {
        cells.current.get(target)?.focus();
      } else {
        pendingFocus.current = true;
        onNavigate(target);
      }
    },
    [dates, onEnter, onNavigate],
  );

  /** The props of the cell of `date`. */
  const cellProps = (date: string) => ({
    tabIndex: date === current ? 0 : -1,
    ref: (element: HTMLElement | null) => {
      if (element) cells.current.set(date, element);
      else cells.current.delete(date);
    },
    // Focus on a change inside the cell makes the cell the tab stop too.
    onFocus: () => setActive(date),
    onKeyDown: (event: KeyboardEvent<HTMLElement>) => onKeyDown(event, date),
  });
  return { current, cellProps };
}

/**
 * A day cell's accessible name: the date in words, then what a sighted user
 * sees at a glance (today, how many changes, the freezes).
 */
export function dayCellLabel(
  date: string,
  details: { today: boolean; total: number; freezes: readonly string[] },
): string {
  const parts = [formatLongDate(date)];
  if (details.today) parts.push('today');
  parts.push(
    details.total === 1 ? '1 change' : `${details.total || 'no'} changes`,
  );
  if (details.freezes.length)
    parts.push(`freeze: ${details.freezes.join(', ')}`);
  return parts.join(', ');
}
