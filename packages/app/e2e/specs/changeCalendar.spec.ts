/*
 * The change calendar against the seeded simulator world: opens
 * /itops/changes for all teams, switches between the month, week and agenda
 * views, moves through the month grid by keyboard, filters by type, opens a
 * change's detail by keyboard and closes it with Escape, runs axe on each
 * view and the drawer, and takes screenshots.
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
    // The week: seven day columns on an hour axis, changes as timed blocks.
    const weekDays = await page
      .getByRole('grid', { name: 'week calendar' })
      .getByRole('gridcell')
      .count();
    if (weekDays !== 7)
      throw new Error(`Expected 7 days in the week, got ${weekDays}`);
    await expectVisible(
      page.getByRole('columnheader', { name: /· Today/ }),
      'today in the week header',
      ctx.timeoutMs,
    );
    const blocks = await page.locator('[data-testid^="block-"]').count();
    ctx.measure('change calendar week blocks', `${blocks} changes drawn`);
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

    // Keyboard: the grid is one tab stop on today; arrows move by a day and
    // a week, PageDown to next month (a new URL), PageUp back.
    const todayCell = page
      .getByRole('grid', { name: 'month calendar' })
      .getByRole('gridcell', { name: /, today,/ });
    await todayCell.focus();
    const focusedName = () =>
      page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    const start = await focusedName();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    const moved = await focusedName();
    if (!moved || moved === start) {
      throw new Error(`Arrow keys did not move the focus from ${start}`);
    }
    const monthUrl = page.url();
    await page.keyboard.press('PageDown');
    await page.waitForURL(url => url.toString() !== monthUrl, {
      timeout: ctx.timeoutMs,
    });
    await page.keyboard.press('PageUp');
    await expectVisible(
      page.getByRole('gridcell', { name: /, today,/ }),
      'today again after PageUp',
      ctx.timeoutMs,
    );
    ctx.measure(
      'calendar keyboard',
      `focus moved from "${start}" to "${moved}"`,
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

    // The drawer, opened by keyboard from a change, closed by Escape with
    // the focus back on the change.
    const chip = page.locator('[data-testid^="change-"]').first();
    await expectVisible(chip, 'a normal change in the month', ctx.timeoutMs);
    const number = (await chip.getAttribute('data-testid'))!.slice(7);
    await chip.focus();
    await page.keyboard.press('Enter');
    const drawer = page.getByRole('region', { name: 'change detail' });
    await expectVisible(drawer, 'the change detail drawer', ctx.timeoutMs);
    await expectVisible(
      drawer.getByText(number).first(),
      `${number} in the drawer`,
      ctx.timeoutMs,
    );
    await page.waitForURL(/change=/, { timeout: ctx.timeoutMs });
    await ctx.screenshot(page, 'change-calendar-detail');
    await ctx.checkPage(page, 'change drawer');
    await page.keyboard.press('Escape');
    await page.waitForURL(url => !url.searchParams.has('change'), {
      timeout: ctx.timeoutMs,
    });
    const back = await page.evaluate(() =>
      document.activeElement?.getAttribute('data-testid'),
    );
    if (back !== `change-${number}`) {
      throw new Error(`Escape returned the focus to ${back}, not the change`);
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
