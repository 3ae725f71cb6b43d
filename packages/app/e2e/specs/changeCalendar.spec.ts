/*
 * The change calendar against the seeded simulator world: opens
 * /itops/changes for all teams, switches between the month, week and agenda
 * views, filters by type, opens a change's detail, and takes screenshots.
 * Measures how long the month takes to show and the API time of the month.
 */
import { guestToken } from '../browser';
import { defineSpec, expectVisible, median } from '../harness';

export default defineSpec({
  name: 'change-calendar',
  async run(ctx) {
    const page = await ctx.newPage();
    const started = performance.now();
    await page.goto(`${ctx.baseUrl}/itops/changes?view=month&owner=all`, {
      timeout: ctx.timeoutMs,
    });
    await expectVisible(
      page.getByRole('grid', { name: 'month calendar' }),
      'the month grid',
      ctx.timeoutMs,
    );
    await expectVisible(
      page.locator('[data-testid^="change-"]'),
      'a change in the month',
      ctx.timeoutMs,
    );
    ctx.measure(
      'change calendar month shown',
      `${Math.round(performance.now() - started)} ms`,
    );
    await expectVisible(
      page.getByText('Today'),
      'the today marker',
      ctx.timeoutMs,
    );
    await ctx.screenshot(page, 'change-calendar-month');
    await ctx.checkPage(page, 'calendar month');

    await page.getByRole('button', { name: 'Week', exact: true }).click();
    await expectVisible(
      page.getByRole('grid', { name: 'week calendar' }),
      'the week grid',
      ctx.timeoutMs,
    );
    if (!page.url().includes('view=week')) {
      throw new Error(`Expected the week view in the URL, got ${page.url()}`);
    }
    await ctx.screenshot(page, 'change-calendar-week');
    await ctx.checkPage(page, 'calendar week');

    await page.getByRole('button', { name: 'Agenda', exact: true }).click();
    await expectVisible(
      page.getByRole('list', { name: 'agenda' }),
      'the agenda',
      ctx.timeoutMs,
    );
    await ctx.screenshot(page, 'change-calendar-agenda');
    await ctx.checkPage(page, 'calendar agenda');
    await page.getByRole('button', { name: 'Month', exact: true }).click();
    await expectVisible(
      page.getByRole('grid', { name: 'month calendar' }),
      'the month grid again',
      ctx.timeoutMs,
    );

    // Filter: normal changes only; the URL keeps the filter.
    await page.getByLabel('Type').click();
    await page.getByRole('option', { name: 'Normal' }).click();
    await page.keyboard.press('Escape');
    await page.waitForURL(/type=normal/, { timeout: ctx.timeoutMs });
    await expectVisible(
      page.getByRole('grid', { name: 'month calendar' }),
      'the filtered month',
      ctx.timeoutMs,
    );
    await ctx.screenshot(page, 'change-calendar-filtered');

    const chip = page.locator('[data-testid^="change-"]').first();
    if (await chip.count()) {
      await chip.click();
      await expectVisible(
        page.getByRole('region', { name: 'change detail' }),
        'the change detail drawer',
        ctx.timeoutMs,
      );
      await ctx.screenshot(page, 'change-calendar-detail');
      await ctx.checkPage(page, 'change drawer');
    }

    // API time of the month view for all teams.
    const token = await guestToken(ctx.baseUrl);
    const from = new Date();
    from.setUTCDate(1);
    const to = new Date(from.getTime() + 35 * 86_400_000);
    const query = new URLSearchParams({
      from: from.toISOString(),
      to: to.toISOString(),
      perDay: '3',
    });
    const timings: number[] = [];
    let total = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const response = await fetch(
        `${ctx.baseUrl}/api/itops/calendar/days?${query}`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      if (!response.ok) {
        throw new Error(`calendar days: HTTP ${response.status}`);
      }
      total = (await response.json()).totalCount;
      timings.push(performance.now() - t0);
    }
    ctx.measure(
      'calendar month API (all teams)',
      `${median(timings).toFixed(0)} ms median for ${total} changes`,
    );
  },
});
