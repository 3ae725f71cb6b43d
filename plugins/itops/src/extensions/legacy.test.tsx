import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { paymentsApi } from '../__testUtils__/fixtures';
import { entityHandlers } from '../__testUtils__/handlers';
import { renderItops } from '../__testUtils__/renderItops';
import {
  EntityBackupsCard,
  EntityChangesCard,
  EntityKpiCard,
  EntityOnCallCard,
  EntityOpenIncidentsCard,
} from './legacy';

const server = setupServer();

describe('ITOps cards for legacy apps', () => {
  registerMswTestHooks(server);

  it('each render alone on an entity page', async () => {
    server.use(...entityHandlers('component:default/payments-api'));
    await renderItops(
      <>
        <EntityOnCallCard />
        <EntityOpenIncidentsCard />
        <EntityKpiCard />
        <EntityChangesCard />
        <EntityBackupsCard />
      </>,
      { entity: paymentsApi },
    );
    expect(await screen.findByText('Carla Diaz')).toBeInTheDocument();
    expect(await screen.findByText('3 open incidents')).toBeInTheDocument();
    expect(await screen.findByText('KPIs, last 90 days')).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'Upcoming changes' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'Backup jobs' }),
    ).toBeInTheDocument();
  });
});
