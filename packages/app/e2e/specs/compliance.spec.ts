/*
 * Compliance scorecards against the seeded simulator world: runs an
 * evaluation on demand (the scheduled one starts a minute after the
 * backend), then opens the organisation overview, a control page and the
 * scorecard card on the ITOps tab of the example service, the breach
 * decisions list and dialog and the waiver inbox, with screenshots.
 */
import { guestToken } from '../browser';
import { defineSpec, expectVisible } from '../harness';

const SERVICE = 'payments-api';

export default defineSpec({
  name: 'compliance',
  async run(ctx) {
    const token = await guestToken(ctx.baseUrl);
    const started = performance.now();
    const evaluation = await fetch(
      `${ctx.baseUrl}/api/itops/compliance/evaluate`,
      { method: 'POST', headers: { authorization: `Bearer ${token}` } },
    );
    if (evaluation.status !== 201) {
      throw new Error(
        `compliance evaluation: HTTP ${
          evaluation.status
        } ${await evaluation.text()}`,
      );
    }
    const { snapshot } = await evaluation.json();
    ctx.measure(
      'compliance evaluation of the demo catalog',
      `${Math.round(performance.now() - started)} ms for ${
        snapshot.entityCount
      } entities, ${snapshot.resultCount} results`,
    );

    const overview = await ctx.newPage();
    await overview.goto(`${ctx.baseUrl}/itops/compliance`, {
      timeout: ctx.timeoutMs,
    });
    await expectVisible(
      overview.getByLabel('ISO/IEC 27001:2022 Annex A score'),
      'the ISO/IEC 27001 score',
      ctx.timeoutMs,
    );
    await expectVisible(
      overview.getByRole('link', { name: /^A\.8\.32 / }),
      'the change-management tile of the heatmap',
      ctx.timeoutMs,
    );
    await expectVisible(
      overview.getByRole('table', { name: 'Worst services' }),
      'the worst services',
      ctx.timeoutMs,
    );
    await ctx.screenshot(overview, 'compliance-overview');
    await ctx.checkPage(overview, 'compliance overview');

    await overview
      .getByRole('link', { name: /^A\.8\.13 / })
      .first()
      .click();
    await expectVisible(
      overview.getByText(/BKP-02 Backup recency within RPO/),
      'the backup checks of control A.8.13',
      ctx.timeoutMs,
    );
    await ctx.screenshot(overview, 'compliance-control-A.8.13');
    await ctx.checkPage(overview, 'compliance control A.8.13');

    // GDPR art. 33/34: the demo's ServiceNow world flags about half of its
    // security incidents as personal-data breaches.
    const breaches = await ctx.newPage();
    await breaches.goto(`${ctx.baseUrl}/itops/compliance/breaches`, {
      timeout: ctx.timeoutMs,
    });
    await expectVisible(
      breaches.getByRole('table', { name: 'Personal-data breaches' }),
      'the personal-data breach list',
      ctx.timeoutMs,
    );
    await expectVisible(
      breaches.getByRole('columnheader', { name: '72 h deadline (law)' }),
      'the legal 72 h deadline column',
      ctx.timeoutMs,
    );
    await ctx.screenshot(breaches, 'compliance-breaches');
    await ctx.checkPage(breaches, 'compliance breaches');
    await breaches
      .getByRole('button', { name: 'Record decision' })
      .first()
      .click();
    await expectVisible(
      breaches.getByRole('dialog', { name: /^Record decision on / }),
      'the record-decision dialog',
      ctx.timeoutMs,
    );
    await ctx.screenshot(breaches, 'compliance-breach-decision-dialog');
    await ctx.checkPage(breaches, 'compliance breach decision dialog');
    await breaches.getByRole('button', { name: 'Cancel' }).click();

    const inbox = await ctx.newPage();
    await inbox.goto(`${ctx.baseUrl}/itops/compliance/waivers`, {
      timeout: ctx.timeoutMs,
    });
    await expectVisible(
      inbox.getByText(/^Pending approval \(\d+\)$/),
      'the pending waivers of the inbox',
      ctx.timeoutMs,
    );
    await expectVisible(
      inbox.getByText(/^Expiring in the next 30 days \(\d+\)$/),
      'the waivers expiring in 30 days',
      ctx.timeoutMs,
    );
    await ctx.screenshot(inbox, 'compliance-waiver-inbox');
    await ctx.checkPage(inbox, 'compliance waiver inbox');

    const tab = await ctx.newPage();
    await tab.goto(
      `${ctx.baseUrl}/catalog/default/component/${SERVICE}/itops`,
      { timeout: ctx.timeoutMs },
    );
    await expectVisible(
      tab.getByLabel('Compliance score'),
      `the compliance scorecard of ${SERVICE}`,
      ctx.timeoutMs,
    );
    await tab
      .getByLabel('Compliance score')
      .scrollIntoViewIfNeeded()
      .catch(() => {});
    await ctx.screenshot(tab, `compliance-scorecard-${SERVICE}`);
  },
});
