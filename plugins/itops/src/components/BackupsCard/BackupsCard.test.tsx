import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  DAY,
  HOUR,
  at,
  backupJob,
  entityUrl,
  healthy,
  paymentsApi,
  sourceHandlers,
} from '../../__testUtils__/fixtures';
import { renderItops } from '../../__testUtils__/renderItops';
import { EntityBackupsCard, rpoOf } from './BackupsCard';

const server = setupServer();
const ref = 'component:default/payments-api';

describe('rpoOf', () => {
  it('reads the ISO 8601 RPO annotation', () => {
    expect(rpoOf(paymentsApi)).toBe(24 * HOUR);
    expect(
      rpoOf({
        ...paymentsApi,
        metadata: { name: 'x', annotations: { 'itops.io/rpo': 'soon' } },
      }),
    ).toBeUndefined();
    expect(
      rpoOf({
        ...paymentsApi,
        metadata: { name: 'x', annotations: { 'itops.io/rpo': 'P1W' } },
      }),
    ).toBe(7 * 24 * HOUR);
  });
});

describe('EntityBackupsCard', () => {
  registerMswTestHooks(server);

  it('shows each job with last result, success age, next run and restore test', async () => {
    server.use(
      ...sourceHandlers(),
      http.get(entityUrl(ref, 'backups'), () =>
        HttpResponse.json({
          jobs: [
            backupJob({}),
            backupJob({
              name: 'Payments DB - Weekly',
              url: undefined,
              lastResult: 'failed',
              lastSuccessAt: at(-(3 * DAY + HOUR)),
              nextRunAt: undefined,
              successRate30d: null,
              runs30d: 0,
              lastRestoreTest: undefined,
            }),
          ],
        }),
      ),
    );
    await renderItops(<EntityBackupsCard />, { entity: paymentsApi });

    const table = await screen.findByRole('table', { name: 'Backup jobs' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent(
      /^Payments Apps - Daily, Opens in a new windowSuccess3 h agoin 2[01] hours6 d ago, Success95 % of 30$/,
    );
    expect(
      within(rows[1]).getByRole('link', { name: /Payments Apps - Daily/ }),
    ).toHaveAttribute('href', 'https://vbr.example/jobs/1');
    expect(rows[2]).toHaveTextContent(
      'Payments DB - WeeklyFailed3 d 1 h ago (older than the RPO of 1 d)–Never testedNo runs',
    );
  });

  it('says when no job protects the entity', async () => {
    server.use(
      ...sourceHandlers(),
      http.get(entityUrl(ref, 'backups'), () =>
        HttpResponse.json({ jobs: [] }),
      ),
    );
    await renderItops(<EntityBackupsCard />, { entity: paymentsApi });
    expect(
      await screen.findByText('No backup jobs protect this entity.'),
    ).toBeInTheDocument();
  });

  it('asks for a Veeam source when none is configured', async () => {
    server.use(
      ...sourceHandlers({
        health: {
          ...healthy,
          sources: healthy.sources.filter(s => s.type !== 'veeam'),
        },
      }),
      http.get(entityUrl(ref, 'backups'), () =>
        HttpResponse.json({ jobs: [] }),
      ),
    );
    await renderItops(<EntityBackupsCard />, { entity: paymentsApi });
    expect(
      await screen.findByText('No source configured for backups'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Veeam Backup & Replication \(itops\.veeam\.servers\)/),
    ).toBeInTheDocument();
  });
});
