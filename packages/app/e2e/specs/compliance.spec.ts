/*
 * Compliance scorecards against the seeded simulator world: runs an
 * evaluation on demand (the scheduled one starts a minute after the
 * backend), then opens the organisation overview, a control page and the
 * scorecard card on the ITOps tab of the example service, the breach
 * decisions list and dialog, the waiver inbox, the Statement of
 * Applicability (approving a version and its print export) and the
 * attestations panel of a manual control (the demo grants attesting and
 * approving to Platform SRE, the guest's group), with screenshots.
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

    // Statement of Applicability: the guest approves a version, which is
    // listed with its exports; the print export states the version.
    const soa = await ctx.newPage();
    await soa.goto(`${ctx.baseUrl}/itops/compliance/soa`, {
      timeout: ctx.timeoutMs,
    });
    await expectVisible(
      soa.getByText(/^93 Annex A controls: \d+ with automated checks/),
      'the SoA draft over all 93 Annex A controls',
      ctx.timeoutMs,
    );
    await soa.getByLabel('Approval comment').fill('Approved in the e2e run');
    await soa.getByRole('button', { name: 'Approve as new version' }).click();
    await expectVisible(
      soa.getByRole('cell', { name: 'Approved in the e2e run' }).first(),
      'the approved SoA version in the list',
      ctx.timeoutMs,
    );
    await expectVisible(
      soa.getByRole('group', { name: /^Export SoA version \d+$/ }).first(),
      'the export buttons of the approved version',
      ctx.timeoutMs,
    );
    await expectVisible(
      soa.getByText(/^Hash chain verified over \d+ version\(s\)\.$/),
      'the SoA integrity verdict',
      ctx.timeoutMs,
    );
    await ctx.screenshot(soa, 'compliance-soa');
    await ctx.checkPage(soa, 'compliance statement of applicability');
    const auth = { authorization: `Bearer ${token}` };
    const versions = await (
      await fetch(`${ctx.baseUrl}/api/itops/compliance/soa/versions`, {
        headers: auth,
      })
    ).json();
    const newest = Math.max(
      ...versions.items.map((v: { version: number }) => v.version),
    );
    const printed = await fetch(
      `${ctx.baseUrl}/api/itops/compliance/soa/versions/${newest}/export?format=html`,
      { headers: auth },
    );
    const printedText = await printed.text();
    if (printed.status !== 200 || !printedText.includes('A.5.1')) {
      throw new Error(
        `SoA v${newest} print export: HTTP ${
          printed.status
        }, ${printedText.slice(0, 200)}`,
      );
    }

    // Attestations of a control no check evidences (A.5.1 policies): the
    // guest holds itops.compliance.attest in the demo, so Attest is offered.
    const expires = new Date(Date.now() + 90 * 86_400_000).toISOString();
    const attested = await fetch(
      `${ctx.baseUrl}/api/itops/compliance/controls/iso27001-2022/A.5.1/attestations`,
      {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          entityRef: `component:default/${SERVICE}`,
          statement: 'Information security policy approved (e2e)',
          evidenceUrl: 'https://wiki.example.com/policies/infosec',
          expiresAt: expires,
        }),
      },
    );
    if (attested.status !== 201) {
      throw new Error(
        `attesting A.5.1: HTTP ${attested.status} ${await attested.text()}`,
      );
    }
    const control = await ctx.newPage();
    await control.goto(`${ctx.baseUrl}/itops/compliance/iso27001-2022/A.5.1`, {
      timeout: ctx.timeoutMs,
    });
    await expectVisible(
      control.getByRole('cell', {
        name: 'Information security policy approved (e2e)',
      }),
      'the attestation in the history of A.5.1',
      ctx.timeoutMs,
    );
    await expectVisible(
      control.getByRole('cell', { name: 'Attested', exact: true }).first(),
      `the attested status of ${SERVICE} for A.5.1`,
      ctx.timeoutMs,
    );
    await ctx.screenshot(control, 'compliance-attestations-A.5.1');
    await ctx.checkPage(control, 'compliance attestations A.5.1');
    await control.getByRole('button', { name: 'Attest' }).click();
    await expectVisible(
      control.getByRole('dialog', { name: 'Attest A.5.1' }),
      'the attest dialog',
      ctx.timeoutMs,
    );
    await ctx.screenshot(control, 'compliance-attest-dialog');
    await ctx.checkPage(control, 'compliance attest dialog');
    await control.getByRole('button', { name: 'Cancel' }).click();

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
