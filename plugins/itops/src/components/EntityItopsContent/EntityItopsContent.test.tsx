import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import {
  paymentsApi,
  paymentsTeam,
  plainComponent,
} from '../../__testUtils__/fixtures';
import { entityHandlers } from '../../__testUtils__/handlers';
import { renderItops } from '../../__testUtils__/renderItops';
import { EntityItopsContent } from './EntityItopsContent';

const server = setupServer();

describe('EntityItopsContent', () => {
  registerMswTestHooks(server);

  it('shows on-call, incidents, KPIs, changes and backups of a service', async () => {
    server.use(...entityHandlers('component:default/payments-api'));
    await renderItops(<EntityItopsContent />, { entity: paymentsApi });

    expect(await screen.findByText('Carla Diaz')).toBeInTheDocument();
    expect(await screen.findByText('3 open incidents')).toBeInTheDocument();
    expect(await screen.findByText('KPIs, last 90 days')).toBeInTheDocument();
    expect(
      await screen.findByRole('link', { name: /CHG0030002/ }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('link', { name: /Payments Apps - Daily/ }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'ITOps links' }),
    ).toHaveTextContent('Business servicePayments API');
  });

  it('rolls up a team page over what the team owns', async () => {
    server.use(...entityHandlers('group:default/payments-team'));
    await renderItops(<EntityItopsContent />, { entity: paymentsTeam });
    expect(await screen.findByText('Carla Diaz')).toBeInTheDocument();
    expect(await screen.findByText('3 open incidents')).toBeInTheDocument();
  });

  it('renders the calendar and compliance slots when given', async () => {
    server.use(...entityHandlers('component:default/payments-api'));
    await renderItops(
      <EntityItopsContent
        changeCalendar={<p>calendar of the next 30 days</p>}
        complianceScorecard={<p>compliance scorecard</p>}
      />,
      { entity: paymentsApi },
    );
    expect(
      await screen.findByText('calendar of the next 30 days'),
    ).toBeInTheDocument();
    expect(screen.getByText('compliance scorecard')).toBeInTheDocument();
  });

  it('explains which annotations to add when the entity has none', async () => {
    const rendered = await renderItops(<EntityItopsContent />, {
      entity: plainComponent,
    });
    expect(
      screen.getByText('No ITOps links for this entity'),
    ).toBeInTheDocument();
    // The example is syntax-highlighted, so its text spans several elements.
    expect(rendered.baseElement.querySelector('code')).toHaveTextContent(
      'itops.io/servicenow-service: Payments API',
    );
  });
});
