import { registerMswTestHooks } from '@backstage/test-utils';
import { render, screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  DAY,
  HOUR,
  entityUrl,
  forbiddenBody,
  kpis,
  paymentsApi,
} from '../../__testUtils__/fixtures';
import { renderItops } from '../../__testUtils__/renderItops';
import { EntityKpiCard } from './KpiCard';
import { trendWindows, windowDays } from './kpis';
import { Sparkline } from './Sparkline';

const server = setupServer();
const ref = 'component:default/payments-api';

describe('trendWindows', () => {
  it('cuts the window into equal consecutive buckets', () => {
    const windows = trendWindows(
      { from: '2026-08-27T00:00:00.000Z', to: '2026-11-25T00:00:00.000Z' },
      3,
    );
    expect(windows).toEqual([
      { from: '2026-08-27T00:00:00.000Z', to: '2026-09-26T00:00:00.000Z' },
      { from: '2026-09-26T00:00:00.000Z', to: '2026-10-26T00:00:00.000Z' },
      { from: '2026-10-26T00:00:00.000Z', to: '2026-11-25T00:00:00.000Z' },
    ]);
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
    const requests: Array<string | null> = [];
    server.use(
      http.get(entityUrl(ref, 'kpis'), ({ request }) => {
        const url = new URL(request.url);
        requests.push(url.searchParams.get('from'));
        if (!url.searchParams.has('from')) {
          return HttpResponse.json(kpis());
        }
        // Buckets: MTTR grows from 1 h, the last bucket without incidents.
        const index = requests.filter(Boolean).length;
        const base = kpis();
        return HttpResponse.json({
          ...base,
          incidents: {
            ...(base.incidents as object),
            mttr:
              index === 12
                ? { valueMs: null, count: 0 }
                : { valueMs: index * HOUR, count: 1 },
          },
        });
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

    expect(
      await within(mttr).findByRole('img', {
        name: 'MTTR trend over the last 90 days',
      }),
    ).toBeInTheDocument();
    expect(requests.filter(Boolean)).toHaveLength(12);
  });

  it('tells "no data" apart from zero and marks denied areas', async () => {
    server.use(
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
});
