import { registerMswTestHooks } from '@backstage/test-utils';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  DAY,
  HOUR,
  entityUrl,
  forbiddenBody,
  kpis,
  kpiTrend,
  paymentsApi,
  sourceHandlers,
  at,
} from '../../__testUtils__/fixtures';
import { renderItops } from '../../__testUtils__/renderItops';
import { EntityKpiCard } from './KpiCard';
import { windowDays } from './kpis';
import { Sparkline } from './Sparkline';

const server = setupServer();
const ref = 'component:default/payments-api';

describe('windowDays', () => {
  it('counts the days a window spans', () => {
    expect(
      windowDays({
        from: '2026-08-27T00:00:00.000Z',
        to: '2026-11-25T00:00:00.000Z',
      }),
    ).toBe(90);
  });
});

describe('Sparkline', () => {
  it('draws defined points and breaks the line at gaps', () => {
    render(<Sparkline values={[1, 2, null, 4, 5]} label="MTTR trend" />);
    const svg = screen.getByRole('img', { name: 'MTTR trend' });
    const lines = svg.querySelectorAll('polyline');
    expect(lines).toHaveLength(2);
    expect(lines[0].getAttribute('points')!.split(' ')).toHaveLength(2);
    // Highest value at the top (small y), lowest at the bottom.
    const [, last] = lines[1].getAttribute('points')!.split(' ');
    expect(Number(last.split(',')[1])).toBe(2);
  });

  it('draws nothing without data', () => {
    const { container } = render(
      <Sparkline values={[null, null]} label="No data" />,
    );
    expect(container).toBeEmptyDOMElement();
  });
});

describe('EntityKpiCard', () => {
  registerMswTestHooks(server);

  it('shows the four KPI tiles with 90-day trends', async () => {
    const trendRequests: URLSearchParams[] = [];
    const headline = kpis();
    server.use(
      http.get(entityUrl(ref, 'kpis'), () => HttpResponse.json(headline)),
      http.get(`${entityUrl(ref, 'kpis')}/trend`, ({ request }) => {
        const params = new URL(request.url).searchParams;
        trendRequests.push(params);
        // MTTR grows from 1 h; the last bucket has no resolved incident.
        const buckets = Array.from({ length: 12 }, (_, i) => ({
          window: headline.window,
          incidents: {
            mttr:
              i === 11
                ? { valueMs: null, count: 0 }
                : { valueMs: (i + 1) * HOUR, count: 1 },
            mtbf: { valueMs: DAY, count: 1 },
          },
          changes: { forbidden: true },
          backups: {
            successRate: { value: 1, numerator: 1, denominator: 1 },
          },
        }));
        return HttpResponse.json({ window: headline.window, buckets });
      }),
    );
    await renderItops(<EntityKpiCard />, { entity: paymentsApi });

    expect(await screen.findByText('KPIs, last 90 days')).toBeInTheDocument();
    const mttr = screen.getByRole('region', { name: 'MTTR' });
    expect(mttr).toHaveTextContent('4 h 30 min');
    expect(mttr).toHaveTextContent('12 resolved incidents');
    expect(screen.getByRole('region', { name: 'MTBF' })).toHaveTextContent(
      '7 d 12 h',
    );
    expect(
      screen.getByRole('region', { name: 'Change success rate' }),
    ).toHaveTextContent('90 %18 of 20 closed changes');
    expect(
      screen.getByRole('region', { name: 'Backup success rate' }),
    ).toHaveTextContent('98 %80 backup runs');

    const line = await within(mttr).findByRole('img', {
      name: 'MTTR trend over the last 90 days',
    });
    // Eleven buckets with a value draw one unbroken line.
    const points = line.querySelector('polyline')!.getAttribute('points')!;
    expect(points.split(' ')).toHaveLength(11);
    // One request for all twelve points, over the headline's window.
    expect(trendRequests).toHaveLength(1);
    expect(Object.fromEntries(trendRequests[0])).toEqual({
      from: headline.window.from,
      to: headline.window.to,
      buckets: '12',
    });
  });

  it('shows MTTA and the emergency-change share, says what MTTD lacks, and explains each tile on a click', async () => {
    server.use(
      http.get(entityUrl(ref, 'kpis'), () => HttpResponse.json(kpis())),
      http.get(`${entityUrl(ref, 'kpis')}/trend`, () =>
        HttpResponse.json(kpiTrend()),
      ),
    );
    await renderItops(<EntityKpiCard />, { entity: paymentsApi });
    const mtta = await screen.findByRole('region', { name: 'MTTA' });
    expect(mtta).toHaveTextContent('10 min12 acknowledged incidents');
    expect(
      screen.getByRole('region', { name: 'Emergency changes' }),
    ).toHaveTextContent('10 %2 of 20 changes');
    expect(screen.getByRole('region', { name: 'MTTD' })).toHaveTextContent(
      /No data.*detectedAtField/,
    );

    const mttr = screen.getByRole('region', { name: 'MTTR' });
    const info = within(mttr).getByRole('button', {
      name: 'How MTTR is computed',
    });
    expect(info).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(info);
    expect(info).toHaveAttribute('aria-expanded', 'true');
    const details = document.getElementById(
      info.getAttribute('aria-controls')!,
    )!;
    expect(details).toHaveTextContent(/resolved − opened/);
    expect(details).toHaveTextContent(/Period: .* \(90 days\)/);
    expect(details).toHaveTextContent('Sample: 12 resolved incidents');

    // The sparkline's axes: the value range and the period's ends.
    await within(mttr).findByRole('img', { name: /MTTR trend/ });
    expect(mttr).toHaveTextContent(/4 h 30 min.*4 h 30 min/);
  });

  it('tells "no data" apart from zero and marks denied areas', async () => {
    server.use(
      http.get(`${entityUrl(ref, 'kpis')}/trend`, () =>
        HttpResponse.json({ window: kpis().window, buckets: [] }),
      ),
      http.get(entityUrl(ref, 'kpis'), () =>
        HttpResponse.json(
          kpis({
            changes: { forbidden: true },
            backups: {
              successRate: { value: null, numerator: 0, denominator: 0 },
            },
            window: {
              from: new Date(Date.now() - 30 * DAY).toISOString(),
              to: new Date().toISOString(),
            },
          }),
        ),
      ),
    );
    await renderItops(<EntityKpiCard />, { entity: paymentsApi });
    expect(await screen.findByText('KPIs, last 30 days')).toBeInTheDocument();
    expect(
      screen.getByRole('region', { name: 'Change success rate' }),
    ).toHaveTextContent('No permission');
    expect(
      screen.getByRole('region', { name: 'Backup success rate' }),
    ).toHaveTextContent('No data0 backup runs');
  });

  it('explains when every KPI area is denied', async () => {
    server.use(
      http.get(entityUrl(ref, 'kpis'), () =>
        HttpResponse.json(forbiddenBody, { status: 403 }),
      ),
    );
    await renderItops(<EntityKpiCard />, { entity: paymentsApi });
    expect(
      await screen.findByText(/You do not have permission to see incident/),
    ).toBeInTheDocument();
  });

  it('says how old the incident, change and backup syncs behind the KPIs are', async () => {
    server.use(
      ...sourceHandlers({
        freshness: [
          {
            source: 'servicenow',
            instance: 'production',
            capability: 'changes',
            syncedAt: at(-3 * 60_000),
            stale: false,
          },
          {
            source: 'veeam',
            instance: 'main',
            capability: 'backups',
            syncedAt: at(-2 * HOUR),
            stale: true,
            staleReason: 'too_old',
          },
          // On-call does not feed a KPI.
          {
            source: 'jira',
            instance: 'cloud',
            capability: 'oncall',
            syncedAt: at(-60_000),
            stale: false,
          },
        ],
      }),
      http.get(entityUrl(ref, 'kpis'), () => HttpResponse.json(kpis())),
      http.get(`${entityUrl(ref, 'kpis')}/trend`, () =>
        HttpResponse.json(kpiTrend()),
      ),
    );
    await renderItops(<EntityKpiCard />, { entity: paymentsApi });

    const list = await screen.findByRole('list', { name: 'Data freshness' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      'ServiceNow (production) changes: synced 3 min ago',
      'Veeam (main) backups: synced 2 h ago, out of date',
    ]);
  });
});
