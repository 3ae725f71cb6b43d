/*
 * The ITOps entity tab, the team roll-up and the overview cards against the
 * seeded simulator world (packages/simulator/src/world/org.ts), the
 * incident drawer (with axe), and the time the tab takes to show all cards.
 */
import type { Page } from 'playwright-core';
import {
  ORG_BACKUP_JOBS,
  ORG_PEOPLE,
  ORG_SERVICES,
} from '@backstage-itops/simulator';
import { defineSpec, expectVisible, median } from '../harness';

const LOADS = 5;
const SERVICE = 'payments-api';

const service = ORG_SERVICES.find(s => s.catalogName === SERVICE)!;
const teamPeople = ORG_PEOPLE.filter(p => p.team === service.team).map(
  p => p.displayName,
);
const serviceJobs = ORG_BACKUP_JOBS.filter(job =>
  job.objects.some(object => service.veeamObjects.includes(object)),
).map(job => job.name);
const anyOf = (names: string[]) =>
  new RegExp(
    names.map(n => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
  );
/** Incident and change numbers of ServiceNow and the service's Jira project. */
const recordNumber = new RegExp(
  `^(INC|CHG)\\d{7}|^${service.jiraProject}-\\d+`,
);

/**
 * Waits for every card of the tab to show simulator data: on-call from the
 * owning team's rota, open incidents, upcoming changes, the backup jobs that
 * protect the service's VMs, and the KPI tiles.
 */
async function waitForAllCards(page: Page, timeoutMs: number) {
  await Promise.all([
    expectVisible(
      page
        .getByRole('region', { name: 'Escalation level 1' })
        .filter({ hasText: anyOf(teamPeople) }),
      `someone of ${service.team} on call (${teamPeople.join(', ')})`,
      timeoutMs,
    ),
    expectVisible(
      page
        .getByRole('table', { name: 'Newest open incidents' })
        .getByRole('link', { name: recordNumber }),
      'an open incident linked to its source',
      timeoutMs,
    ),
    expectVisible(
      page
        .getByRole('table', { name: 'Upcoming changes' })
        .getByRole('link', { name: recordNumber }),
      'an upcoming change linked to its source',
      timeoutMs,
    ),
    ...serviceJobs.map(job =>
      expectVisible(
        page.getByRole('table', { name: 'Backup jobs' }).getByText(job),
        `the backup job ${job}`,
        timeoutMs,
      ),
    ),
    expectVisible(
      page.getByRole('region', { name: 'MTTR' }),
      'the MTTR tile',
      timeoutMs,
    ),
  ]);
}

export default defineSpec({
  name: 'entity-page',
  async run(ctx) {
    const tabUrl = `${ctx.baseUrl}/catalog/default/component/${SERVICE}/itops`;

    const times: number[] = [];
    for (let load = 1; load <= LOADS; load++) {
      const page = await ctx.newPage();
      const started = performance.now();
      await page.goto(tabUrl, { timeout: ctx.timeoutMs });
      await waitForAllCards(page, ctx.timeoutMs);
      times.push(performance.now() - started);
      if (load === 1) {
        // Sparklines load after the tiles; wait for one for the picture.
        await page
          .getByRole('img', { name: /MTTR trend/ })
          .waitFor({ timeout: ctx.timeoutMs })
          .catch(() => {});
        await ctx.screenshot(page, `entity-tab-${SERVICE}`);
      }
      await page.close();
    }
    ctx.measure(
      `ITOps tab of ${SERVICE}, time to all cards (median of ${LOADS})`,
      `${Math.round(median(times))} ms (loads: ${times
        .map(t => Math.round(t))
        .join(', ')} ms)`,
    );

    // The incident drawer: opened from the incidents card, checked by axe,
    // closed by Escape with focus back on the incident that opened it.
    const drawerPage = await ctx.newPage();
    await drawerPage.goto(tabUrl, { timeout: ctx.timeoutMs });
    const opener = drawerPage
      .getByRole('table', { name: 'Newest open incidents' })
      .locator('button[aria-haspopup="dialog"]')
      .first();
    await expectVisible(opener, 'an incident title to open', ctx.timeoutMs);
    await opener.click();
    const drawer = drawerPage.getByRole('region', { name: /^Incident / });
    await Promise.all([
      expectVisible(
        drawer.getByRole('list', { name: 'Timeline' }).getByText('Opened'),
        'the incident timeline',
        ctx.timeoutMs,
      ),
      expectVisible(
        drawer.getByText(/^(Met|Breached|Not reported by source)$/).first(),
        'the SLA state or that the source did not report it',
        ctx.timeoutMs,
      ),
      expectVisible(
        drawer.getByRole('link', { name: /^Open .* in (ServiceNow|Jira)/ }),
        'the link to the source record',
        ctx.timeoutMs,
      ),
      // Linked changes as the source gave them, or that it links none.
      expectVisible(
        drawer
          .getByRole('list', { name: 'Linked changes' })
          .or(drawer.getByText('None linked in the source.'))
          .first(),
        'the linked changes section',
        ctx.timeoutMs,
      ),
    ]);
    await ctx.checkPage(drawerPage, 'incident-drawer');
    await ctx.screenshot(drawerPage, `incident-drawer-${SERVICE}`);
    await drawerPage.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached', timeout: ctx.timeoutMs });
    if (!(await opener.evaluate(el => el === document.activeElement))) {
      throw new Error('Focus did not return to the incident after Escape');
    }
    await drawerPage.close();

    // A team page rolls up on-call and incidents of what the team owns.
    const team = await ctx.newPage();
    await team.goto(
      `${ctx.baseUrl}/catalog/default/group/${service.team}/itops`,
      { timeout: ctx.timeoutMs },
    );
    await Promise.all([
      expectVisible(
        team
          .getByRole('region', { name: 'Escalation level 1' })
          .filter({ hasText: anyOf(teamPeople) }),
        `the on-call of ${service.team}`,
        ctx.timeoutMs,
      ),
      expectVisible(
        team
          .getByRole('table', { name: 'Newest open incidents' })
          .getByRole('link', { name: recordNumber }),
        `open incidents across ${service.team}'s services`,
        ctx.timeoutMs,
      ),
    ]);
    await ctx.screenshot(team, `team-tab-${service.team}`);

    // The overview page carries the cards on their own.
    const overview = await ctx.newPage();
    await overview.goto(`${ctx.baseUrl}/catalog/default/component/${SERVICE}`, {
      timeout: ctx.timeoutMs,
    });
    await expectVisible(
      overview
        .getByRole('table', { name: 'Backup jobs' })
        .getByText(serviceJobs[0]),
      'the backups card on the overview page',
      ctx.timeoutMs,
    );
    await ctx.screenshot(overview, `overview-${SERVICE}`);
  },
});
