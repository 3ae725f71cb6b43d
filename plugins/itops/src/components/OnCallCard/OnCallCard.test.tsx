import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  HOUR,
  at,
  entityUrl,
  forbiddenBody,
  onCallDetail,
  paymentsApi,
  paymentsTeam,
  plainComponent,
  shift,
  sourceHandlers,
  syncRow,
} from '../../__testUtils__/fixtures';
import { renderItops } from '../../__testUtils__/renderItops';
import { EntityOnCallCard } from './OnCallCard';

const server = setupServer();
const teamRef = 'group:default/payments-team';
const componentRef = 'component:default/payments-api';

const teamOnCall = onCallDetail(
  [
    // Half an hour of slack keeps "in 3 hours" true while the test runs.
    shift({
      personName: 'Carla Diaz',
      end: at(3.5 * HOUR),
      escalationLevel: 1,
    }),
    shift({
      personName: 'Alice Ng',
      scheduleName: 'Platform escalation',
      personEmail: 'alice.ng@acme.example',
      escalationLevel: 2,
    }),
  ],
  [
    shift({
      personName: 'Dev Patel',
      start: at(3.5 * HOUR),
      end: at(7 * 24 * HOUR),
      escalationLevel: 1,
    }),
  ],
);

describe('EntityOnCallCard', () => {
  registerMswTestHooks(server);

  it('shows who is on call now and next, per escalation level', async () => {
    server.use(
      ...sourceHandlers(),
      http.get(entityUrl(teamRef, 'oncall'), () =>
        HttpResponse.json(teamOnCall),
      ),
    );
    await renderItops(<EntityOnCallCard />, { entity: paymentsTeam });

    const level1 = await screen.findByRole('region', {
      name: 'Escalation level 1',
    });
    expect(within(level1).getByText('Carla Diaz')).toBeInTheDocument();
    expect(
      within(level1).getByRole('link', { name: 'carla.diaz@acme.example' }),
    ).toHaveAttribute('href', 'mailto:carla.diaz@acme.example');
    expect(
      within(level1).getByRole('link', { name: '+1 555 123 4567' }),
    ).toHaveAttribute('href', 'tel:+15551234567');
    expect(level1).toHaveTextContent(/Since .*, until .*\(in 3 hours\)/);
    // The relative time carries the absolute one, on hover and for machines.
    const relative = within(level1).getAllByText('in 3 hours')[0];
    expect(relative.tagName).toBe('TIME');
    expect(relative).toHaveAttribute('dateTime');
    expect(relative.getAttribute('title')).toMatch(/\d{4}/);
    expect(
      within(level1).getByText('Next: Dev Patel (Payments primary)'),
    ).toBeInTheDocument();
    expect(level1).toHaveTextContent(/Takes over .*\(in 3 hours\)/);

    const level2 = screen.getByRole('region', { name: 'Escalation level 2' });
    expect(within(level2).getByText('Alice Ng')).toBeInTheDocument();
    expect(
      within(level2).getByText('Level 2 · escalation'),
    ).toBeInTheDocument();
  });

  it("falls back to the owning team's on-call for a service", async () => {
    server.use(
      ...sourceHandlers(),
      http.get(entityUrl(componentRef, 'oncall'), () =>
        HttpResponse.json(onCallDetail([], [])),
      ),
      http.get(entityUrl(teamRef, 'oncall'), () =>
        HttpResponse.json(teamOnCall),
      ),
    );
    await renderItops(<EntityOnCallCard />, { entity: paymentsApi });

    expect(await screen.findByText('Carla Diaz')).toBeInTheDocument();
    expect(
      screen.getByText(`From the owning team ${teamRef}`),
    ).toBeInTheDocument();
  });

  it("asks for the service's and the owning team's on-call at once", async () => {
    // Answered only once the team's request has arrived (or after 2 s): a
    // card that asked for the team only after the service's answer waits.
    let teamAsked: () => void = () => {};
    const teamRequest = new Promise<void>(resolve => {
      teamAsked = resolve;
    });
    let together = false;
    server.use(
      ...sourceHandlers(),
      http.get(entityUrl(componentRef, 'oncall'), async () => {
        together = await Promise.race([
          teamRequest.then(() => true),
          new Promise<boolean>(r => setTimeout(() => r(false), 2000)),
        ]);
        return HttpResponse.json(onCallDetail([], []));
      }),
      http.get(entityUrl(teamRef, 'oncall'), () => {
        teamAsked();
        return HttpResponse.json(teamOnCall);
      }),
    );
    await renderItops(<EntityOnCallCard />, { entity: paymentsApi });

    expect(await screen.findByText('Carla Diaz')).toBeInTheDocument();
    expect(together).toBe(true);
  });

  it("shows the service's own on-call over its team's", async () => {
    server.use(
      ...sourceHandlers(),
      http.get(entityUrl(componentRef, 'oncall'), () =>
        HttpResponse.json(onCallDetail([shift({ personName: 'Erin Wu' })], [])),
      ),
      http.get(entityUrl(teamRef, 'oncall'), () =>
        HttpResponse.json(teamOnCall),
      ),
    );
    await renderItops(<EntityOnCallCard />, { entity: paymentsApi });

    expect(await screen.findByText('Erin Wu')).toBeInTheDocument();
    expect(screen.queryByText('Carla Diaz')).not.toBeInTheDocument();
    expect(screen.queryByText(/From the owning team/)).not.toBeInTheDocument();
  });

  it('says when nobody is on call', async () => {
    server.use(
      ...sourceHandlers(),
      http.get(entityUrl(teamRef, 'oncall'), () =>
        HttpResponse.json(onCallDetail([], [])),
      ),
    );
    await renderItops(<EntityOnCallCard />, { entity: paymentsTeam });
    expect(
      await screen.findByText(/Nobody is on call now, and no shift starts/),
    ).toBeInTheDocument();
  });

  it("treats the API's 403 as a missing permission", async () => {
    server.use(
      ...sourceHandlers(),
      http.get(entityUrl(teamRef, 'oncall'), () =>
        HttpResponse.json(forbiddenBody, { status: 403 }),
      ),
    );
    await renderItops(<EntityOnCallCard />, { entity: paymentsTeam });
    expect(
      await screen.findByText(/You do not have permission to see on-call/),
    ).toBeInTheDocument();
  });

  it('shows which annotations to add when nothing links the entity', async () => {
    server.use(
      ...sourceHandlers(),
      http.get(entityUrl('component:default/plain', 'oncall'), () =>
        HttpResponse.json(
          { error: { name: 'NotFoundError', message: 'unknown entity' } },
          { status: 404 },
        ),
      ),
    );
    await renderItops(<EntityOnCallCard />, { entity: plainComponent });
    expect(
      await screen.findByText('No on-call linked to this entity'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /itops\.io\/jsm-ops-team, itops\.io\/servicenow-assignment-group/,
      ),
    ).toBeInTheDocument();
  });

  it('says when no source that provides on-call is configured', async () => {
    server.use(
      ...sourceHandlers({
        health: {
          status: 'ok',
          database: { reachable: true, client: 'pg' },
          sources: [{ type: 'veeam', instance: 'vbr' }],
        },
      }),
      http.get(entityUrl(teamRef, 'oncall'), () =>
        HttpResponse.json(onCallDetail([], [])),
      ),
    );
    await renderItops(<EntityOnCallCard />, { entity: paymentsTeam });
    expect(
      await screen.findByText('No source configured for on-call'),
    ).toBeInTheDocument();
    expect(screen.getByText(/itops\.jira\.sites/)).toBeInTheDocument();
  });

  it('keeps showing stale data when its source fails to sync', async () => {
    server.use(
      ...sourceHandlers({
        sync: [
          syncRow({
            sourceType: 'jira',
            capability: 'oncall',
            lastSuccessAt: at(-5 * HOUR),
            lastErrorAt: at(-60_000),
            lastError: 'HTTP 503 from Jira',
          }),
          syncRow({ capability: 'incidents' }),
        ],
      }),
      http.get(entityUrl(teamRef, 'oncall'), () =>
        HttpResponse.json(teamOnCall),
      ),
    );
    await renderItops(<EntityOnCallCard />, { entity: paymentsTeam });
    expect(
      await screen.findByText(/on-call shown may be out of date/),
    ).toBeInTheDocument();
    const failing = screen.getByRole('list', { name: 'Failing syncs' });
    expect(failing).toHaveTextContent('jira/demo (oncall): HTTP 503 from Jira');
    expect(failing).toHaveTextContent(/Last successful sync .* \(5 h ago\)/);
    expect(await screen.findByText('Carla Diaz')).toBeInTheDocument();
  });

  it('shows other errors with the core error panel', async () => {
    server.use(
      ...sourceHandlers(),
      http.get(entityUrl(teamRef, 'oncall'), () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'database is locked' },
            request: { method: 'GET', url: '/' },
            response: { statusCode: 500 },
          },
          { status: 500 },
        ),
      ),
    );
    await renderItops(<EntityOnCallCard />, { entity: paymentsTeam });
    expect(
      (await screen.findAllByText(/database is locked/)).length,
    ).toBeGreaterThan(0);
  });
});
