/*
 * Accessibility and layout checks run on every page the specs visit:
 * axe-core injected into the page (the package's own `source`), and the horizontal overflow of the page at
 * the widths a desk user has.
 */
import type { Page } from 'playwright-core';

/** Impacts that fail a spec; moderate and minor ones are only counted. */
const FAILING_IMPACTS = new Set(['serious', 'critical']);

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

export interface AxeReport {
  counts: Record<'critical' | 'serious' | 'moderate' | 'minor', number>;
  /** The serious and critical violations, which fail the spec. */
  failing: AxeViolation[];
}

/** Runs axe over the whole page as it is now. */
export async function runAxe(page: Page): Promise<AxeReport> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { source } = require('axe-core') as { source: string };
  // Evaluated over the DevTools protocol rather than added as a script tag:
  // the app's Content Security Policy forbids inline scripts, rightly.
  await page.evaluate(source);
  const violations: AxeViolation[] = await page.evaluate(async () => {
    const axe = (window as any).axe;
    const result = await axe.run(document, {
      resultTypes: ['violations'],
    });
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact ?? 'minor',
      help: v.help,
      nodes: v.nodes
        .slice(0, 3)
        .map((n: any) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
    }));
  });
  const counts = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const violation of violations) {
    const impact = violation.impact as keyof typeof counts;
    counts[impact] = (counts[impact] ?? 0) + 1;
  }
  return {
    counts,
    failing: violations.filter(v => FAILING_IMPACTS.has(v.impact)),
  };
}

/** One line per failing violation, for the spec's error. */
export function describeViolations(page: string, report: AxeReport): string {
  return report.failing
    .map(
      v => `${page}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(' | ')}`,
    )
    .join('\n');
}

/** The widths at which no page may scroll sideways. */
export const LAYOUT_WIDTHS = [1024, 1440, 1920];

/**
 * The page's horizontal overflow at each width (scrollWidth − innerWidth,
 * 0 when none), restoring the viewport afterwards. Elements sticking out
 * are named, so that a failure says what to fix.
 */
export async function horizontalOverflow(
  page: Page,
  widths: number[] = LAYOUT_WIDTHS,
): Promise<Array<{ width: number; overflow: number; culprits: string[] }>> {
  const original = page.viewportSize();
  const results = [];
  try {
    for (const width of widths) {
      await page.setViewportSize({
        width,
        height: original?.height ?? 1000,
      });
      // Two frames: the resize, then the layout it causes.
      await page.evaluate(
        () =>
          new Promise(resolve =>
            requestAnimationFrame(() => requestAnimationFrame(resolve)),
          ),
      );
      results.push({
        width,
        ...(await page.evaluate(() => {
          const overflow =
            document.documentElement.scrollWidth - window.innerWidth;
          const culprits =
            overflow > 0
              ? [...document.querySelectorAll('body *')]
                  .filter(
                    el => el.getBoundingClientRect().right > window.innerWidth,
                  )
                  .slice(-3)
                  .map(
                    el =>
                      `${el.tagName.toLowerCase()}${
                        el.getAttribute('aria-label')
                          ? `[aria-label="${el.getAttribute('aria-label')}"]`
                          : ''
                      }.${[...el.classList].slice(0, 2).join('.')}`,
                  )
              : [];
          return { overflow: Math.max(0, overflow), culprits };
        })),
      });
    }
  } finally {
    if (original) {
      await page.setViewportSize(original);
    }
  }
  return results;
}
