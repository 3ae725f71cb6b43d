import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  DAY,
  HOUR,
  at,
  change,
  entityUrl,
  paymentsApi,
  plainComponent,
  sourceHandlers,
  summary,
} from '../../__testUtils__/fixtures';
import { renderItops } from '../../__testUtils__/renderItops';
import { EntityChangesCard, splitChanges } from './ChangesCard';

const server = setupServer();
const ref = 'component:default/payments-api';

const upcoming = change({ number: 'CHG0030002', title: 'Rotate keys' });
const underWay = change({
  number: 'CHG0030003',
  title: 'Migrate ledger index',
  state: 'implement',
  plannedStart: at(-HOUR),
  plannedEnd: at(HOUR),
});
const done = change({
  number: 'CHG0030001',
  title: 'Upgrade TLS',
  state: 'closed',
  outcome: 'successful_with_issues',
  plannedStart: at(-3 * DAY),
  plannedEnd: at(-3 * DAY + HOUR),
});

describe('splitChanges', () => {
  it('keeps changes under way with the upcoming ones, newest recent first', () => {
    const older = change({
      number: 'OLD',
      plannedStart: at(-9 * DAY),
      plannedEnd: undefined,
    });
    const result = splitChanges([older, done, underWay, upcoming], Date.now());
    expect(result.upcoming.map(c => c.number)).toEqual([
      'CHG0030003',
      'CHG0030002',
    ]);
    expect(result.recent.map(c => c.number)).toEqual(['CHG0030001', 'OLD']);
    expect(result.upcomingCount).toBe(2);
  });

  it('lists the ten soonest upcoming changes and counts the rest', () => {
    const many = Array.from({ length: 13 }, (_, i) =>
      change({
        number: `CHG${i}`,
        plannedStart: at((i + 1) * DAY),
        plannedEnd: at((i + 1) * DAY + HOUR),
      }),
    );
    const result = splitChanges(many, Date.now());
    expect(result.upcoming.map(c => c.number)).toEqual(
      many.slice(0, 10).map(c => c.number),
    );
    expect(result.upcomingCount).toBe(13);
  });
});

describe('EntityChangesCard', () => {
  registerMswTestHooks(server);

  it('lists upcoming and recent changes with links to their records', async () => {
    server.use(
      ...sourceHandlers(),
      http.get(entityUrl(ref, 'summary'), () =>
        HttpResponse.json(summary(ref)),
      ),
      http.get(entityUrl(ref, 'changes'), () =>
        HttpResponse.json({ items: [done, underWay, upcoming] }),
      ),
    );
    await renderItops(<EntityChangesCard />, { entity: paymentsApi });

    const upcomingTable = await screen.findByRole('table', {
      name: 'Upcoming changes',
    });
    const rows = within(upcomingTable).getAllByRole('row');
    expect(rows[1]).toHaveTextContent(
      'CHG0030003, Opens in a new windowMigrate ledger indexNormalImplement',
    );
    expect(rows[2]).toHaveTextContent(
      'CHG0030002, Opens in a new windowRotate keysNormalScheduled',
    );
    const recent = screen.getByRole('table', { name: 'Recent changes' });
    expect(recent).toHaveTextContent(
      'CHG0030001, Opens in a new windowUpgrade TLSNormalSuccessful with issues',
    );
    expect(
      within(recent).getByRole('link', { name: /CHG0030001/ }),
    ).toHaveAttribute('href', 'https://sn.example/change_request.do?sys_id=2');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows a banner while the entity is inside a change freeze', async () => {
    server.use(
      ...sourceHandlers(),
      http.get(entityUrl(ref, 'summary'), () =>
        HttpResponse.json(
          summary(ref, {
            changes: {
              forbidden: false,
              available: true,
              freeze: {
                active: true,
                windows: [
                  { name: 'Black Friday campaign freeze', end: at(2.5 * DAY) },
                ],
              },
            },
          }),
        ),
      ),
      http.get(entityUrl(ref, 'changes'), () =>
        HttpResponse.json({ items: [] }),
      ),
    );
    await renderItops(<EntityChangesCard />, { entity: paymentsApi });

    const banner = await screen.findByRole('alert');
    expect(banner).toHaveTextContent('Change freeze in effect');
    expect(banner).toHaveTextContent(
      /Black Friday campaign freeze, until .*\(in 2 days\)/,
    );
    expect(screen.getByText('No changes planned.')).toBeInTheDocument();
    expect(
      screen.getByText('No changes in the last 30 days.'),
    ).toBeInTheDocument();
  });

  it('shows which annotations link changes when the entity has none', async () => {
    server.use(...sourceHandlers());
    await renderItops(<EntityChangesCard />, { entity: plainComponent });
    expect(
      await screen.findByText('No changes linked to this entity'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Add one of the annotations itops\.io\/servicenow-service/,
      ),
    ).toBeInTheDocument();
  });
});
