/*
 * The ITOps tab of every kind of entity the example catalog has (a service,
 * a website, a library, a resource, an API, a system, a domain, a team and a
 * person), in the
 * light and the dark theme: each shows what applies to it from the seeded
 * simulator world (packages/simulator/src/world/org.ts) and says what does
 * not apply; axe and the overflow check run on each.
 */
import type { Page } from 'playwright-core';
import { ORG_BACKUP_JOBS, ORG_PEOPLE } from '@backstage-itops/simulator';
import { type E2eContext, defineSpec, expectVisible } from '../harness';

const peopleOf = (team: string) =>
  ORG_PEOPLE.filter(p => p.team === team).map(p => p.displayName);
const anyOf = (names: string[]) =>
  new RegExp(
    names.map(n => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
  );

/** Someone of the team on call at escalation level 1. */
const onCallOf = (page: Page, team: string) =>
  page
    .getByRole('region', { name: 'Escalation level 1' })
    .filter({ hasText: anyOf(peopleOf(team)) });

interface KindCheck {
  kind: string;
  path: string;
  /** What the tab must show, each with what it is, for the failure. */
  expect(page: Page): Array<[ReturnType<Page['getByRole']>, string]>;
}

const KINDS: KindCheck[] = [
  {
    kind: 'component-service',
    path: 'component/payments-api',
    expect: page => [
      [onCallOf(page, 'payments-team'), 'the owning team on call'],
      [
        page.getByRole('table', { name: 'Backup jobs' }),
        'the backup jobs of the service',
      ],
      [
        page
          .getByRole('navigation', { name: 'ITOps pages of this entity' })
          .getByRole('link', { name: 'Changes on the calendar' }),
        "a link to the service's changes on the calendar",
      ],
    ],
  },
  {
    kind: 'component-website',
    path: 'component/checkout-web',
    expect: page => [
      [onCallOf(page, 'storefront-team'), 'the storefront team on call'],
      [page.getByRole('region', { name: 'MTTR' }), 'the MTTR tile'],
    ],
  },
  {
    kind: 'component-library',
    path: 'component/payments-sdk',
    expect: page => [
      [onCallOf(page, 'payments-team'), 'the owning team on call'],
      [
        page
          .getByRole('list', { name: 'Not applicable' })
          .filter({ hasText: /Backups/ }),
        'backups named as not applying to a library',
      ],
    ],
  },
  {
    kind: 'resource',
    path: 'resource/payments-db',
    expect: page => [
      [
        page
          .getByRole('table', { name: 'Backup jobs' })
          .getByText(
            ORG_BACKUP_JOBS.find(job => job.name === 'Payments DB - Hourly')!
              .name,
          ),
        'the database backup job',
      ],
      [onCallOf(page, 'payments-team'), 'the owning team on call'],
    ],
  },
  {
    kind: 'api',
    path: 'api/payments-rest-api',
    expect: page => [
      [onCallOf(page, 'payments-team'), 'the owning team on call'],
      [
        page.getByRole('table', { name: 'Newest open incidents' }),
        'open incidents filed against the serving service',
      ],
      [
        page
          .getByRole('list', { name: 'Not applicable' })
          .filter({ hasText: /Backups/ }),
        'backups named as not applying to an API',
      ],
    ],
  },
  {
    kind: 'domain',
    path: 'domain/commerce',
    expect: page => [
      [
        page
          .getByRole('region', { name: 'System system:default/payments' })
          .getByRole('list', { name: 'On call now' })
          .filter({ hasText: anyOf(peopleOf('payments-team')) }),
        "the on-call of the domain's payments system",
      ],
      [
        page.getByRole('region', { name: 'System system:default/storefront' }),
        "the domain's storefront system",
      ],
      [
        page.getByRole('link', { name: 'ITOps tab of payments' }),
        "a link to the system's tab",
      ],
    ],
  },
  {
    kind: 'system',
    path: 'system/payments',
    expect: page => [
      [onCallOf(page, 'payments-team'), "the on-call of the system's team"],
      [
        page.getByRole('table', { name: 'Newest open incidents' }),
        "open incidents of the system's components",
      ],
    ],
  },
  {
    kind: 'group',
    path: 'group/payments-team',
    expect: page => [
      [onCallOf(page, 'payments-team'), 'the team on call'],
      [
        page.getByRole('table', { name: 'Upcoming changes' }),
        "the changes of the team's services",
      ],
    ],
  },
  {
    kind: 'user',
    path: 'user/guest',
    expect: page => [
      [
        page
          .getByRole('region', { name: 'Team group:default/platform-sre' })
          .getByRole('list', { name: 'On call now' })
          .filter({ hasText: anyOf(peopleOf('platform-sre')) }),
        "the on-call of the guest's team",
      ],
      [
        page.getByRole('link', { name: 'ITOps tab of platform-sre' }),
        "a link to the team's tab",
      ],
    ],
  },
];

const THEMES = ['light', 'dark'] as const;

/**
 * Visits a tab; returns the error panels it shows (a crashed card, a raw
 * "Request failed"), which the spec reports after visiting every tab.
 */
async function visitTab(
  ctx: E2eContext,
  check: KindCheck,
  theme: (typeof THEMES)[number],
): Promise<string[]> {
  const page = await ctx.newPage();
  // The app's theme selection lives in localStorage under "theme".
  await page.addInitScript(
    id => window.localStorage.setItem('theme', id),
    theme,
  );
  await page.goto(`${ctx.baseUrl}/catalog/default/${check.path}/itops`, {
    timeout: ctx.timeoutMs,
  });
  await Promise.all(
    check
      .expect(page)
      .map(([locator, what]) =>
        expectVisible(locator, `${what} (${check.kind})`, ctx.timeoutMs),
      ),
  );
  await page.waitForLoadState('networkidle').catch(() => {});
  const shown = await page
    .getByText(/Something Went Wrong|Request failed with/i)
    .allInnerTexts();
  if (theme === 'dark') {
    // The theme took: the page background is dark.
    const background = await page.evaluate(
      () => getComputedStyle(document.body).backgroundColor,
    );
    const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number);
    if (!(r + g + b < 3 * 96)) {
      throw new Error(`${check.kind}: not dark (body ${background})`);
    }
  }
  await ctx.screenshot(page, `kind-${check.kind}-${theme}`);
  await ctx.checkPage(page, `tab ${check.kind} (${theme})`);
  await page.close();
  return shown.map(text => `${check.kind} (${theme}): ${text}`);
}

export default defineSpec({
  name: 'entity-kinds',
  async run(ctx) {
    const errors: string[] = [];
    const page = await ctx.newPage();
    try {
      for (const theme of THEMES) {
        for (const check of KINDS) {
          errors.push(...(await visitTab(ctx, check, theme)));
        }
      }
    } finally {
      // The context is shared by the specs: later ones see the default theme.
      await page.goto(`${ctx.baseUrl}/home`, { timeout: ctx.timeoutMs });
      await page.evaluate(() => window.localStorage.removeItem('theme'));
    }
    // Both pages are in the sidebar of the new frontend system.
    for (const name of ['Change calendar', 'Compliance']) {
      await expectVisible(
        page.getByRole('link', { name }),
        `the sidebar item ${name}`,
        ctx.timeoutMs,
      );
    }
    if (errors.length > 0) {
      throw new Error(`error panels instead of content:\n${errors.join('\n')}`);
    }
  },
});
