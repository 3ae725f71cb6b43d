import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  at,
  entityUrl,
  incident,
  paymentsApi,
  sourceHandlers,
  summary,
} from '../../__testUtils__/fixtures';
import { ITOPS_BASE_URL, renderItops } from '../../__testUtils__/renderItops';
import { EntityOpenIncidentsCard } from '../IncidentsCard/IncidentsCard';
import { freshnessText } from './Freshness';

const server = setupServer();
const ref = 'component:default/payments-api';
const MIN = 60_000;

describe('freshness on the cards', () => {
  registerMswTestHooks(server);

  it('shows each source of the card with its age and warns when stale, without sync-status permission', async () => {
    server.use(
      ...sourceHandlers({
        freshness: [
          {
            source: 'servicenow',
            instance: 'production',
            capability: 'incidents',
            syncedAt: at(-4 * MIN),
            stale: false,
          },
          {
            source: 'jira',
            instance: 'cloud',
            capability: 'incidents',
            syncedAt: at(-42 * MIN),
            stale: true,
            staleReason: 'last_run_failed',
          },
          // Another area's source: not this card's business.
          {
            source: 'veeam',
            instance: 'main',
            capability: 'backups',
            stale: true,
            staleReason: 'never_synced',
          },
        ],
      }),
      http.get(`${ITOPS_BASE_URL}/sync-status`, () =>
        HttpResponse.json(
          { error: { name: 'NotAllowedError' } },
          { status: 403 },
        ),
      ),
      http.get(entityUrl(ref, 'summary'), () =>
        HttpResponse.json(summary(ref)),
      ),
      http.get(entityUrl(ref, 'incidents'), () =>
        HttpResponse.json({
          items: [incident({})],
          totalCount: 1,
          limit: 10,
          offset: 0,
        }),
      ),
    );
    await renderItops(<EntityOpenIncidentsCard />, {
      entity: paymentsApi,
      deny: ['itops.sync-status.read'],
    });

    const list = await screen.findByRole('list', { name: 'Data freshness' });
    const lines = within(list)
      .getAllByRole('listitem')
      .map(item => item.textContent);
    expect(lines).toEqual([
      'ServiceNow (production): synced 4 min ago',
      'Jira (cloud): synced 42 min ago, last sync failed',
    ]);
    expect(within(list).getAllByLabelText('Stale')).toHaveLength(1);
  });

  it('words each state', () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    const base = { source: 'jira', instance: 'cloud', capability: 'oncall' };
    expect(
      freshnessText(
        { ...base, syncedAt: '2026-12-07T11:58:00Z', stale: false },
        now,
      ),
    ).toBe('synced 2 min ago');
    expect(
      freshnessText(
        {
          ...base,
          syncedAt: '2026-12-07T10:00:00Z',
          stale: true,
          staleReason: 'too_old',
        },
        now,
      ),
    ).toBe('synced 2 h ago, out of date');
    expect(
      freshnessText({ ...base, stale: true, staleReason: 'never_synced' }, now),
    ).toBe('never synced');
  });
});
