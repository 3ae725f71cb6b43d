import type {
  ComplianceControlView,
  ComplianceOverview,
  EntityComplianceScorecard,
} from '@backstage-itops/plugin-itops-common';
import type { Entity } from '@backstage/catalog-model';
import {
  discoveryApiRef,
  fetchApiRef,
  identityApiRef,
} from '@backstage/core-plugin-api';
import {
  MockFetchApi,
  mockApis,
  registerMswTestHooks,
} from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ITOPS_BASE_URL, renderItops } from '../../__testUtils__/renderItops';
import { ComplianceControlPage } from './ComplianceControlPage';
import { ComplianceOverviewPage } from './ComplianceOverviewPage';
import { EntityComplianceCard } from './EntityComplianceCard';

const server = setupServer();
const REF = 'component:default/payments-api';
const SNAPSHOT = {
  id: '5f0c1e7a-0000-4000-8000-000000000001',
  takenAt: '2026-11-25T10:00:00.000Z',
  trigger: 'scheduled' as const,
  scope: 'all',
  catalogueHash: 'c'.repeat(64),
  contentHash: 'd'.repeat(64),
  entityCount: 2,
  resultCount: 46,
  durationMs: 120,
};
const counts = (partial: object) => ({
  pass: 0,
  warn: 0,
  fail: 0,
  not_applicable: 0,
  exempt: 0,
  no_data: 0,
  error: 0,
  ...partial,
});

const overview: ComplianceOverview = {
  snapshot: SNAPSHOT,
  filter: {},
  entityCount: 2,
  counts: counts({ pass: 30, fail: 6, exempt: 2 }),
  score: 30 / 38,
  scoreIfWaiversHeld: 32 / 38,
  frameworks: [
    {
      id: 'iso27001-2022',
      name: 'ISO/IEC 27001:2022 Annex A',
      version: '2022',
      score: 0.8,
      scoreIfWaiversHeld: 0.85,
      counts: counts({ pass: 24, fail: 6 }),
      controlCounts: { fail: 1, pass: 1, manual: 1 },
      controls: [
        {
          id: 'A.8.32',
          label: 'Change control',
          theme: 'Technological',
          evidence: 'strong',
          checks: ['CHG-04'],
          status: 'fail',
          entityCounts: { fail: 1, pass: 1 },
          waivedEntities: 1,
          judgedEntities: 2,
        },
        {
          id: 'A.8.13',
          label: 'Backups',
          theme: 'Technological',
          evidence: 'strong',
          checks: ['BKP-02'],
          status: 'pass',
          entityCounts: { pass: 2 },
          waivedEntities: 0,
          judgedEntities: 2,
        },
        {
          id: 'A.6.1',
          label: 'Background checks',
          theme: 'People',
          evidence: 'manual',
          checks: [],
          status: 'manual',
          entityCounts: {},
          waivedEntities: 0,
          judgedEntities: 0,
        },
      ],
    },
  ],
  checks: [],
  worstServices: [{ entityRef: REF, score: 0.5, fail: 4, warn: 1, noData: 0 }],
  worstTeams: [
    {
      ownerRef: 'group:default/payments',
      score: 0.6,
      fail: 4,
      warn: 1,
      noData: 0,
    },
  ],
  trend: [
    {
      snapshotId: 'a',
      takenAt: '2026-11-24T10:00:00.000Z',
      counts: { pass: 20, fail: 10 },
    },
    {
      snapshotId: 'b',
      takenAt: '2026-11-25T10:00:00.000Z',
      counts: { pass: 24, fail: 6 },
    },
  ],
};

const catalogue = {
  frameworks: [
    {
      id: 'iso27001-2022',
      name: 'ISO/IEC 27001:2022 Annex A',
      version: '2022',
      textSource: 'project',
      controls: [],
    },
    {
      id: 'gdpr',
      name: 'GDPR (Regulation (EU) 2016/679)',
      version: '2016/679',
      textSource: 'eu-law',
      controls: [],
    },
  ],
  checks: [],
};

const breachDeadline = new Date(
  Date.now() + 5 * 3_600_000 + 120_000,
).toISOString();
const scorecard: EntityComplianceScorecard = {
  entityRef: REF,
  snapshotId: SNAPSHOT.id,
  evaluatedAt: new Date(Date.now() - 3_600_000).toISOString(),
  score: 0.75,
  scoreIfWaiversHeld: 0.8,
  counts: counts({ pass: 15, fail: 2, warn: 1, exempt: 1, not_applicable: 4 }),
  results: [
    {
      snapshotId: SNAPSHOT.id,
      takenAt: SNAPSHOT.takenAt,
      checkId: 'NTF-01',
      checkVersion: 1,
      entityRef: REF,
      status: 'warn',
      reason:
        '0 of 1 personal-data breaches within the 72-hour rule; 1 awaiting notification.',
      evidence: [
        {
          type: 'incident',
          id: 'INC0099',
          url: 'https://sn.example/INC0099',
          note: 'not notified yet, 5 h left',
          deadline: breachDeadline,
        },
      ],
      title: 'GDPR 72-hour breach notification',
      remediation: 'Notify the supervisory authority now.',
      mappings: [{ framework: 'gdpr', control: '33(1)' }],
    },
    {
      snapshotId: SNAPSHOT.id,
      takenAt: SNAPSHOT.takenAt,
      checkId: 'CHG-04',
      checkVersion: 1,
      entityRef: REF,
      status: 'fail',
      reason: '1 change(s) started during a freeze window.',
      evidence: [
        {
          type: 'change',
          id: 'CHG0042',
          url: 'https://sn.example/CHG0042',
          note: "started during freeze 'Month end'",
        },
      ],
      evidenceTotal: 9,
      title: 'Freeze windows respected',
      remediation: 'Move changes out of freeze windows.',
      mappings: [{ framework: 'iso27001-2022', control: 'A.8.32' }],
    },
    {
      snapshotId: SNAPSHOT.id,
      takenAt: SNAPSHOT.takenAt,
      checkId: 'BKP-02',
      checkVersion: 1,
      entityRef: REF,
      status: 'pass',
      reason: 'Newest restore point is 2 h old.',
      evidence: [],
      title: 'Backup recency within RPO',
      mappings: [{ framework: 'iso27001-2022', control: 'A.8.13' }],
    },
  ],
  frameworks: [],
  waivers: [
    {
      id: 'w-1',
      checkId: 'BKP-04',
      entityRef: REF,
      justification: 'Restore lab is being rebuilt',
      requestedBy: 'user:default/alice',
      requestedAt: '2026-11-20T10:00:00.000Z',
      expiresAt: '2027-01-31T23:59:59.000Z',
      status: 'pending',
      events: [],
    },
  ],
};

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
};

describe('compliance frontend', () => {
  registerMswTestHooks(server);

  beforeEach(() => {
    (URL as any).createObjectURL = jest.fn(() => 'blob:report');
    (URL as any).revokeObjectURL = jest.fn();
  });

  it('shows the overview: score, heatmap, rankings, trend, and filters by framework', async () => {
    const queries: string[] = [];
    server.use(
      http.get(`${ITOPS_BASE_URL}/compliance/frameworks`, () =>
        HttpResponse.json(catalogue),
      ),
      http.get(`${ITOPS_BASE_URL}/compliance/overview`, ({ request }) => {
        queries.push(new URL(request.url).search);
        return HttpResponse.json(overview);
      }),
    );
    await renderItops(<ComplianceOverviewPage />);

    expect(
      await screen.findByLabelText('ISO/IEC 27001:2022 Annex A score'),
    ).toHaveTextContent('80 %');
    // The rule is stated, and what the waivers claim is labelled apart.
    expect(
      screen.getAllByText(/exempt \(waived\) results count as not passing/i)
        .length,
    ).toBeGreaterThan(0);
    expect(screen.getByLabelText('Score if waivers held')).toHaveTextContent(
      '85 %',
    );
    const tile = screen.getByRole('link', { name: 'A.8.32 Fail' });
    expect(tile).toHaveAttribute('data-status', 'fail');
    expect(tile.getAttribute('href')).toContain('iso27001-2022/A.8.32');
    expect(
      screen.getByRole('link', { name: 'A.6.1 Manual' }),
    ).toBeInTheDocument();
    const teams = screen.getByRole('table', { name: 'Worst teams' });
    expect(within(teams).getByText('60 %')).toBeInTheDocument();
    expect(
      screen
        .getByRole('img', { name: 'Score trend' })
        .querySelectorAll('circle'),
    ).toHaveLength(2);

    fireEvent.mouseDown(screen.getByLabelText('Framework'));
    await userEvent.click(
      await screen.findByRole('option', {
        name: 'GDPR (Regulation (EU) 2016/679)',
      }),
    );
    await waitFor(() => expect(queries).toContain('?framework=gdpr'));
  });

  it('exports the snapshot as CSV and opens the printable report', async () => {
    const exports: string[] = [];
    server.use(
      http.get(`${ITOPS_BASE_URL}/compliance/frameworks`, () =>
        HttpResponse.json(catalogue),
      ),
      http.get(`${ITOPS_BASE_URL}/compliance/overview`, () =>
        HttpResponse.json(overview),
      ),
      http.get(
        `${ITOPS_BASE_URL}/compliance/snapshots/:id/export`,
        ({ request, params }) => {
          exports.push(`${params.id}${new URL(request.url).search}`);
          return new HttpResponse('snapshot_id\r\n', {
            headers: { 'Content-Type': 'text/csv' },
          });
        },
      ),
      http.get(`${ITOPS_BASE_URL}/compliance/report`, ({ request }) => {
        exports.push(`report${new URL(request.url).search}`);
        return new HttpResponse('<html>report</html>', {
          headers: { 'Content-Type': 'text/html' },
        });
      }),
    );
    const open = jest.spyOn(window, 'open').mockImplementation(() => null);
    // jsdom cannot follow the download link the export clicks.
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => undefined);
    await renderItops(<ComplianceOverviewPage />);

    await userEvent.click(
      await screen.findByRole('button', { name: 'Export CSV' }),
    );
    await waitFor(() => expect(exports).toContain(`${SNAPSHOT.id}?format=csv`));
    await userEvent.click(
      screen.getByRole('button', { name: 'Printable report' }),
    );
    await waitFor(() =>
      expect(open).toHaveBeenCalledWith('blob:report', '_blank', 'noopener'),
    );
    expect(exports).toContain('report?framework=iso27001-2022');
    expect(click).toHaveBeenCalledTimes(1);
    open.mockRestore();
    click.mockRestore();
  });

  it('shows a control with its checks, entities and evidence', async () => {
    const control: ComplianceControlView = {
      snapshot: SNAPSHOT,
      framework: { id: 'iso27001-2022', name: 'ISO/IEC 27001:2022 Annex A' },
      control: {
        id: 'A.8.32',
        label: 'Change control',
        theme: 'Technological',
        evidence: 'strong',
      },
      checks: [
        {
          id: 'CHG-04',
          version: 1,
          title: 'Freeze windows respected',
          description: 'No change started during a freeze.',
          remediation: 'Move changes.',
          data: ['changes'],
          thresholds: {},
          thresholdText: 'pass: none; fail: any',
          mappings: [],
        },
      ],
      status: 'fail',
      counts: { fail: 1 },
      waivedEntities: 1,
      judgedEntities: 1,
      entities: [
        {
          entityRef: REF,
          ownerRef: 'group:default/payments',
          tier: 1,
          status: 'fail',
          waivedChecks: ['CHG-01'],
          results: [scorecard.results[1]],
        },
      ],
    };
    server.use(
      http.get(
        `${ITOPS_BASE_URL}/compliance/frameworks/iso27001-2022/controls/A.8.32`,
        () => HttpResponse.json(control),
      ),
    );
    await renderItops(
      <ComplianceControlPage framework="iso27001-2022" control="A.8.32" />,
      {
        apis: [
          [discoveryApiRef, { getBaseUrl: async () => ITOPS_BASE_URL }],
          [fetchApiRef, new MockFetchApi()],
        ],
      },
    );

    expect(
      await screen.findByText(/A\.8\.32 Change control/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/CHG-04 Freeze windows respected/),
    ).toBeInTheDocument();
    const entities = screen.getByRole('table', { name: 'Entities' });
    expect(
      within(entities).getByRole('link', { name: /CHG0042/ }),
    ).toHaveAttribute('href', 'https://sn.example/CHG0042');
    expect(within(entities).getByText(/Showing 1 of 9/)).toBeInTheDocument();
    // The rest of the population, page by page, from the evidence route.
    const pages: string[] = [];
    server.use(
      http.get(
        `${ITOPS_BASE_URL}/compliance/entities/component/default/payments-api/checks/CHG-04/evidence`,
        ({ request }) => {
          pages.push(new URL(request.url).search);
          return HttpResponse.json({
            total: 9,
            offset: 1,
            limit: 100,
            items: Array.from({ length: 8 }, (_, i) => ({
              type: 'change',
              id: `CHG010${i}`,
              url: `https://sn.example/CHG010${i}`,
              note: 'approved before start',
            })),
          });
        },
      ),
    );
    await userEvent.click(
      within(entities).getByRole('button', { name: 'Show 8 more' }),
    );
    expect(
      await within(entities).findByRole('link', { name: /CHG0107/ }),
    ).toHaveAttribute('href', 'https://sn.example/CHG0107');
    expect(pages).toEqual(['?offset=1&limit=100']);
    expect(within(entities).queryByText(/Showing/)).not.toBeInTheDocument();
    // A partial waiver stays visible at control level.
    expect(screen.getByText(/1 of 1 entities waived/)).toBeInTheDocument();
    expect(within(entities).getByText('waived: CHG-01')).toBeInTheDocument();
  });

  it('shows the entity scorecard with failing checks, a breach countdown and waiver decisions', async () => {
    const decisions: string[] = [];
    server.use(
      http.get(
        `${ITOPS_BASE_URL}/compliance/entities/component/default/payments-api`,
        () => HttpResponse.json(scorecard),
      ),
      http.post(
        `${ITOPS_BASE_URL}/compliance/waivers/:id/:action`,
        ({ params }) => {
          decisions.push(`${params.id} ${params.action}`);
          return HttpResponse.json({
            ...scorecard.waivers[0],
            status: 'approved',
          });
        },
      ),
    );
    await renderItops(<EntityComplianceCard />, { entity });

    expect(await screen.findByLabelText('Compliance score')).toHaveTextContent(
      '75 %',
    );
    const findings = screen.getByRole('table', {
      name: 'Checks needing attention',
    });
    const rows = within(findings).getAllByRole('row');
    expect(rows[0]).toHaveTextContent('FailCHG-04 Freeze windows respected');
    expect(rows[0]).toHaveTextContent(
      'What to do: Move changes out of freeze windows.',
    );
    expect(rows[1]).toHaveTextContent(/5 h [12] min left/);
    expect(within(findings).queryByText(/BKP-02/)).not.toBeInTheDocument();

    const waivers = screen.getByRole('table', { name: 'Waivers' });
    expect(waivers).toHaveTextContent(
      'Pending · requested by user:default/alice',
    );
    await userEvent.click(
      await within(waivers).findByRole('button', { name: 'Approve' }),
    );
    await waitFor(() => expect(decisions).toEqual(['w-1 approve']));
  });

  it('says how fresh the synced data behind the verdicts is, and when it was evaluated', async () => {
    const evaluatedAt = new Date(Date.now() - 3 * 3600_000).toISOString();
    server.use(
      http.get(
        `${ITOPS_BASE_URL}/compliance/entities/component/default/payments-api`,
        () => HttpResponse.json({ ...scorecard, evaluatedAt }),
      ),
      http.get(`${ITOPS_BASE_URL}/freshness`, () =>
        HttpResponse.json({
          items: [
            {
              source: 'servicenow',
              instance: 'production',
              capability: 'incidents',
              syncedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
              stale: false,
            },
            {
              source: 'veeam',
              instance: 'main',
              capability: 'backups',
              stale: true,
              staleReason: 'last_run_failed',
            },
          ],
        }),
      ),
    );
    await renderItops(<EntityComplianceCard />, { entity });

    const list = await screen.findByRole('list', { name: 'Data freshness' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      'ServiceNow (production) incidents: synced 5 min ago',
      'Veeam (main) backups: last sync failed',
    ]);
    expect(within(list).getAllByLabelText('Stale')).toHaveLength(1);
    const evaluated = screen.getByText(/Evaluated/).querySelector('time');
    expect(evaluated).toHaveAttribute('dateTime', evaluatedAt);
    expect(evaluated).toHaveTextContent('3 hours ago');
  });

  it('never offers the requester to approve their own waiver', async () => {
    server.use(
      http.get(
        `${ITOPS_BASE_URL}/compliance/entities/component/default/payments-api`,
        () => HttpResponse.json(scorecard),
      ),
    );
    // Signed in as the requester, in another case: still the same person.
    await renderItops(<EntityComplianceCard />, {
      entity,
      apis: [
        [
          identityApiRef,
          mockApis.identity({ userEntityRef: 'user:default/Alice' }),
        ],
      ],
    });
    const waivers = await screen.findByRole('table', { name: 'Waivers' });
    expect(waivers).toHaveTextContent('requested by user:default/alice');
    expect(
      within(waivers).queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
    expect(
      within(waivers).queryByRole('button', { name: 'Reject' }),
    ).not.toBeInTheDocument();
  });

  it('evaluates the entity on demand and shows the new result', async () => {
    let evaluated = false;
    server.use(
      http.get(
        `${ITOPS_BASE_URL}/compliance/entities/component/default/payments-api`,
        () =>
          HttpResponse.json(
            evaluated ? { ...scorecard, score: 0.9 } : scorecard,
          ),
      ),
      http.post(
        `${ITOPS_BASE_URL}/compliance/entities/component/default/payments-api/evaluate`,
        () => {
          evaluated = true;
          return HttpResponse.json(
            { snapshot: SNAPSHOT, timings: {} },
            { status: 201 },
          );
        },
      ),
    );
    await renderItops(<EntityComplianceCard />, { entity });
    expect(await screen.findByLabelText('Compliance score')).toHaveTextContent(
      '75 %',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Evaluate now' }));
    await waitFor(() =>
      expect(screen.getByLabelText('Compliance score')).toHaveTextContent(
        '90 %',
      ),
    );
  });

  it('requests a waiver with a justification and an expiry', async () => {
    let body: any;
    server.use(
      http.get(
        `${ITOPS_BASE_URL}/compliance/entities/component/default/payments-api`,
        () => HttpResponse.json(scorecard),
      ),
      http.post(`${ITOPS_BASE_URL}/compliance/waivers`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(
          { ...scorecard.waivers[0], id: 'w-2' },
          { status: 201 },
        );
      }),
    );
    await renderItops(<EntityComplianceCard />, { entity });

    const findings = await screen.findByRole('table', {
      name: 'Checks needing attention',
    });
    await userEvent.click(
      within(findings).getAllByRole('button', { name: 'Request waiver' })[0],
    );
    const dialog = await screen.findByRole('dialog');
    const submit = within(dialog).getByRole('button', {
      name: 'Request waiver',
    });
    expect(submit).toBeDisabled();
    await userEvent.type(
      within(dialog).getByLabelText(/Justification/),
      'Agreed with the sale owner',
    );
    await userEvent.click(submit);
    await waitFor(() => expect(body).toBeDefined());
    expect(body).toMatchObject({
      checkId: 'CHG-04',
      entityRef: REF,
      justification: 'Agreed with the sale owner',
    });
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(
      Date.now() + 89 * 86_400_000,
    );
  });

  it('rolls up a team over the services it owns', async () => {
    const queries: string[] = [];
    server.use(
      http.get(`${ITOPS_BASE_URL}/compliance/overview`, ({ request }) => {
        queries.push(new URL(request.url).searchParams.get('team') ?? '');
        return HttpResponse.json(overview);
      }),
    );
    const team: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'Payments', namespace: 'default' },
      spec: { type: 'team', children: [] },
    };
    await renderItops(<EntityComplianceCard />, { entity: team });
    expect(await screen.findByLabelText('Compliance score')).toHaveTextContent(
      '79 %',
    );
    const worst = screen.getByRole('table', { name: 'Services worst off' });
    expect(within(worst).getByText('4 failing')).toBeInTheDocument();
    expect(queries).toEqual(['group:default/payments']);
  });

  it('says when the entity has no scorecard', async () => {
    server.use(
      http.get(
        `${ITOPS_BASE_URL}/compliance/entities/component/default/payments-api`,
        () =>
          HttpResponse.json(
            {
              error: {
                name: 'NotFoundError',
                message:
                  'Entity component:default/payments-api is not evaluated for compliance',
              },
              // As Backstage's error handler answers.
              response: { statusCode: 404 },
            },
            { status: 404 },
          ),
      ),
    );
    await renderItops(<EntityComplianceCard />, { entity });
    expect(
      await screen.findByText('Not in the compliance scope'),
    ).toBeInTheDocument();
    // The backend's words, not the transport's.
    expect(
      screen.getByText(/payments-api is not evaluated for compliance\./),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Request failed/)).not.toBeInTheDocument();
    // Evaluating an entity outside the scope would do nothing.
    expect(
      screen.queryByRole('button', { name: 'Evaluate now' }),
    ).not.toBeInTheDocument();
  });

  it('offers to evaluate an entity in scope that was not evaluated yet', async () => {
    server.use(
      http.get(
        `${ITOPS_BASE_URL}/compliance/entities/component/default/payments-api`,
        () =>
          HttpResponse.json(
            {
              error: {
                name: 'NotFoundError',
                message:
                  'Entity component:default/payments-api has not been evaluated yet',
              },
              // As Backstage's error handler answers.
              response: { statusCode: 404 },
            },
            { status: 404 },
          ),
      ),
    );
    await renderItops(<EntityComplianceCard />, { entity });
    expect(await screen.findByText('Not evaluated yet')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Evaluate now' }),
    ).toBeInTheDocument();
  });
});
