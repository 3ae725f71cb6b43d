/*
 * The home page widget "My on-call and open incidents" for the guest user,
 * a member of Platform SRE in the example organisation, and the incidents
 * page its "View all" opens.
 */
import { ORG_PEOPLE } from '@backstage-itops/simulator';
import { defineSpec, expectVisible } from '../harness';

const TEAM = 'platform-sre';
const people = ORG_PEOPLE.filter(p => p.team === TEAM).map(p => p.displayName);

export default defineSpec({
  name: 'home-page',
  async run(ctx) {
    const page = await ctx.newPage();
    await page.goto(`${ctx.baseUrl}/home`, { timeout: ctx.timeoutMs });
    const team = page.getByRole('region', {
      name: `Team group:default/${TEAM}`,
    });
    await expectVisible(
      team
        .getByRole('list', { name: 'On call now' })
        .filter({ hasText: new RegExp(people.join('|')) }),
      `who of ${TEAM} is on call (${people.join(', ')})`,
      ctx.timeoutMs,
    );
    await expectVisible(
      team.getByText(/\d+ open incidents?/),
      `the open incidents of ${TEAM}`,
      ctx.timeoutMs,
    );
    await ctx.screenshot(page, 'home-my-oncall');
    await ctx.checkPage(page, 'home');

    // "View all" opens the team's incidents, most critical first, with the
    // team in the URL.
    await team
      .getByRole('link', { name: /^View all \d+ open incidents?$/ })
      .click();
    await page.waitForURL(/\/itops\/incidents\?entityRef=group/, {
      timeout: ctx.timeoutMs,
    });
    await expectVisible(
      page.getByRole('table', { name: 'Incidents' }).getByRole('link'),
      `the open incidents of ${TEAM}, linked to their source`,
      ctx.timeoutMs,
    );
    await ctx.screenshot(page, 'incidents-page');
    await ctx.checkPage(page, 'incidents page');
  },
});
