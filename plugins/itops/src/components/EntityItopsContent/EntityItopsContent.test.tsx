import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  entityUrl,
  paymentsApi,
  shift,
  summary,
  paymentsTeam,
  plainComponent,
} from '../../__testUtils__/fixtures';
import type { Entity } from '@backstage/catalog-model';
import { entityHandlers } from '../../__testUtils__/handlers';
import { renderItops } from '../../__testUtils__/renderItops';
import { EntityItopsContent } from './EntityItopsContent';

const server = setupServer();

const entityOf = (
  kind: string,
  name: string,
  spec: Entity['spec'],
  relations: Entity['relations'],
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default', annotations },
  spec,
  relations,
});

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
    const pages = screen.getByRole('navigation', {
      name: 'ITOps pages of this entity',
    });
    const ref = encodeURIComponent('component:default/payments-api');
    expect(
      within(pages).getByRole('link', { name: 'All open incidents' }),
    ).toHaveAttribute('href', `/itops/incidents?entityRef=${ref}`);
    expect(
      within(pages).getByRole('link', { name: 'Changes on the calendar' }),
    ).toHaveAttribute(
      'href',
      `/itops/changes?view=month&owner=all&entityRef=${ref}`,
    );
  });

  it('asks for the summary once for the incidents and changes cards', async () => {
    const ref = 'component:default/payments-api';
    let summaryRequests = 0;
    server.use(
      http.get(entityUrl(ref, 'summary'), () => {
        summaryRequests += 1;
        return HttpResponse.json(summary(ref));
      }),
      ...entityHandlers(ref),
    );
    await renderItops(<EntityItopsContent />, { entity: paymentsApi });

    expect(await screen.findByText('3 open incidents')).toBeInTheDocument();
    expect(
      await screen.findByRole('link', { name: /CHG0030002/ }),
    ).toBeInTheDocument();
    expect(summaryRequests).toBe(1);
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

  it.each([
    [
      'library',
      entityOf(
        'Component',
        'payments-sdk',
        { type: 'library', owner: 'payments-team' },
        [{ type: 'ownedBy', targetRef: 'group:default/payments-team' }],
        { 'itops.io/jira-project': 'PAY' },
      ),
      'component:default/payments-sdk',
      /Not shown for a library component/,
    ],
    [
      'API',
      entityOf(
        'API',
        'payments-rest',
        { type: 'openapi', owner: 'payments-team' },
        [{ type: 'ownedBy', targetRef: 'group:default/payments-team' }],
        { 'itops.io/servicenow-service': 'Payments API' },
      ),
      'api:default/payments-rest',
      /Not shown for a openapi api/,
    ],
  ])(
    'leaves out backups of a %s, saying why',
    async (_kind, entity, ref, heading) => {
      server.use(...entityHandlers(ref));
      await renderItops(<EntityItopsContent />, { entity });
      expect(await screen.findByText('Carla Diaz')).toBeInTheDocument();
      expect(await screen.findByText('3 open incidents')).toBeInTheDocument();
      expect(screen.getByText(heading)).toBeInTheDocument();
      expect(
        screen.getByRole('list', { name: 'Not applicable' }),
      ).toHaveTextContent(/Backups.*backups are on the pages/);
      expect(screen.queryByText('Backups')).not.toBeNull();
      expect(
        screen.queryByRole('table', { name: 'Backup jobs' }),
      ).not.toBeInTheDocument();
    },
  );

  it("shows a domain its systems' on-call and incidents, linking their tabs", async () => {
    server.use(
      ...entityHandlers('system:default/payments'),
      http.get(entityUrl('system:default/empty', 'summary'), () =>
        HttpResponse.json(
          { error: { name: 'NotFoundError', message: 'unknown' } },
          { status: 404 },
        ),
      ),
    );
    const domain = entityOf('Domain', 'commerce', { owner: 'engineering' }, [
      { type: 'hasPart', targetRef: 'system:default/payments' },
      { type: 'hasPart', targetRef: 'system:default/empty' },
      { type: 'ownedBy', targetRef: 'group:default/engineering' },
    ]);
    await renderItops(<EntityItopsContent />, { entity: domain });
    const section = await screen.findByRole('region', {
      name: 'System system:default/payments',
    });
    expect(section).toHaveTextContent(/open incidents?/);
    expect(
      screen.queryByRole('region', { name: /system:default\/empty/ }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'ITOps tab of payments' }),
    ).toHaveAttribute('href', '/catalog/default/system/payments/itops');
  });

  it("shows a person their teams' on-call, naming their own shifts", async () => {
    const team = 'group:default/payments-team';
    server.use(
      http.get(entityUrl(team, 'summary'), () =>
        HttpResponse.json(
          summary(team, {
            oncall: {
              forbidden: false,
              available: true,
              now: [shift({ personEmail: 'carla.diaz@acme.example' })],
              next: [],
            },
          }),
        ),
      ),
      ...entityHandlers(team),
    );
    const user = entityOf(
      'User',
      'carla.diaz',
      { profile: { email: 'carla.diaz@acme.example' }, memberOf: [] },
      [{ type: 'memberOf', targetRef: 'group:default/payments-team' }],
    );
    await renderItops(<EntityItopsContent />, { entity: user });
    const section = await screen.findByRole('region', {
      name: 'Team group:default/payments-team',
    });
    expect(section).toHaveTextContent(/You on call/);
    expect(screen.getByText('Teams of this person')).toBeInTheDocument();
  });
});
