/*
 * The admin page `/itops/sources`: sync status of every source instance the
 * demo configures and the mapping conflicts table. The guest holds
 * itops.sync-status.read in the demo policy, so both tables must show.
 */
import { defineSpec, expectVisible } from '../harness';

/** One row per source type the demo syncs, named as the table shows it. */
const SOURCE_TYPES = ['servicenow', 'jira', 'veeam'];

export default defineSpec({
  name: 'sources-page',
  async run(ctx) {
    const page = await ctx.newPage();
    await page.goto(`${ctx.baseUrl}/itops/sources`, {
      timeout: ctx.timeoutMs,
    });
    await expectVisible(
      page.getByRole('heading', { name: 'Sync status per source instance' }),
      'the sync status table',
      ctx.timeoutMs,
    );
    for (const sourceType of SOURCE_TYPES) {
      await expectVisible(
        page
          .getByRole('row')
          .filter({ has: page.getByRole('cell', { name: sourceType }) })
          .first(),
        `a sync status row of ${sourceType}`,
        ctx.timeoutMs,
      );
    }
    await expectVisible(
      page.getByRole('heading', { name: 'Mapping conflicts' }),
      'the mapping conflicts table',
      ctx.timeoutMs,
    );
    await ctx.screenshot(page, 'sources-page');
    await ctx.checkPage(page, 'sources page');
  },
});
