import { identityApiRef } from '@backstage/core-plugin-api';
import { mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  entityUrl,
  incident,
  shift,
  summary,
} from '../../__testUtils__/fixtures';
import { renderItops } from '../../__testUtils__/renderItops';
import { MyOnCallAndIncidents } from './MyOnCallAndIncidents';

const server = setupServer();
const sre = 'group:default/platform-sre';
const unknownTeam = 'group:default/book-club';

function identity(ownershipEntityRefs: string[]) {
  return [
    identityApiRef,
    mockApis.identity({
      userEntityRef: 'user:default/alice.ng',
      ownershipEntityRefs,
      email: 'alice.ng@acme.example',
    }),
  ] as [any, any];
}

describe('MyOnCallAndIncidents', () => {
  registerMswTestHooks(server);

  it("shows on-call and open incidents of the user's teams", async () => {
    server.use(
      http.get(entityUrl(sre, 'summary'), () =>
        HttpResponse.json(
          summary(sre, {
            oncall: {
              forbidden: false,
              available: true,
              now: [
                shift({
                  personName: 'Alice Ng',
                  personEmail: 'alice.ng@acme.example',
                  scheduleName: 'SRE primary',
                }),
                shift({
                  personName: 'Bob Okafor',
                  personEmail: 'bob.okafor@acme.example',
                  scheduleName: 'SRE secondary',
                  escalationLevel: 2,
                }),
              ],
              next: [],
            },
          }),
        ),
      ),
      http.get(entityUrl(sre, 'incidents'), () =>
        HttpResponse.json({
          items: [incident({ number: 'INC0090001', title: 'Kafka lag' })],
          totalCount: 3,
          limit: 3,
          offset: 0,
        }),
      ),
      http.get(entityUrl(unknownTeam, 'summary'), () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'No ITOps data' },
            request: { method: 'GET', url: '/' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    await renderItops(<MyOnCallAndIncidents />, {
      apis: [identity(['user:default/alice.ng', sre, unknownTeam])],
    });

    const team = await screen.findByRole('region', { name: `Team ${sre}` });
    const oncall = within(team).getByRole('list', { name: 'On call now' });
    expect(oncall).toHaveTextContent('You on call (level 1, SRE primary)');
    expect(oncall).toHaveTextContent(
      'Bob Okafor on call (level 2, SRE secondary)',
    );
    expect(team).toHaveTextContent('3 open incidents');
    expect(
      within(team).getByRole('list', { name: 'Newest open incidents' }),
    ).toHaveTextContent(/INC0090001.*P1 Kafka lag/);
    expect(
      screen.queryByRole('region', { name: `Team ${unknownTeam}` }),
    ).not.toBeInTheDocument();
  });

  it('says what makes a team known when the user has none', async () => {
    await renderItops(<MyOnCallAndIncidents />, {
      apis: [identity(['user:default/alice.ng'])],
    });
    expect(
      await screen.findByText(/You are not in a team that ITOps knows/),
    ).toBeInTheDocument();
  });
});
