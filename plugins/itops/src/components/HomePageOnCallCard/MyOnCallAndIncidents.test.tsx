import { identityApiRef } from '@backstage/core-plugin-api';
import { mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  entityUrl,
  incident,
  shift,
  summary,
} from '../../__testUtils__/fixtures';
import { ITOPS_BASE_URL, renderItops } from '../../__testUtils__/renderItops';
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
      within(team).getByRole('list', {
        name: 'Open incidents, most critical first',
      }),
    ).toHaveTextContent(/INC0090001.*P1 Kafka lag/);
    expect(
      within(team).getByRole('link', { name: 'View all 3 open incidents' }),
    ).toHaveAttribute(
      'href',
      `/itops/incidents?entityRef=${encodeURIComponent(sre)}`,
    );
    expect(
      screen.queryByRole('region', { name: `Team ${unknownTeam}` }),
    ).not.toBeInTheDocument();
  });

  it("opens an incident's detail drawer from the widget", async () => {
    const kafka = incident({
      externalId: 'k1',
      number: 'INC0090001',
      title: 'Kafka lag',
    });
    server.use(
      http.get(entityUrl(sre, 'summary'), () =>
        HttpResponse.json(summary(sre)),
      ),
      http.get(entityUrl(sre, 'incidents'), () =>
        HttpResponse.json({
          items: [kafka],
          totalCount: 1,
          limit: 3,
          offset: 0,
        }),
      ),
      http.get(`${ITOPS_BASE_URL}/incidents/servicenow/demo/k1`, () =>
        HttpResponse.json({
          incident: { ...kafka, assignmentGroup: 'Platform SRE' },
          entityRefs: [sre],
        }),
      ),
    );
    await renderItops(<MyOnCallAndIncidents />, {
      apis: [identity(['user:default/alice.ng', sre])],
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Kafka lag' }),
    );
    const drawer = await screen.findByRole('region', {
      name: 'Incident INC0090001',
    });
    expect(drawer).toHaveTextContent('Assignment groupPlatform SRE');
  });

  it('says what makes a team known when the user has none', async () => {
    await renderItops(<MyOnCallAndIncidents />, {
      apis: [identity(['user:default/alice.ng'])],
    });
    expect(
      await screen.findByText(/You are not in a team that ITOps knows/),
    ).toBeInTheDocument();
  });

  it('lists every open P1 and P2 before a few of the rest', async () => {
    const requests: URLSearchParams[] = [];
    const critical = Array.from({ length: 5 }, (_, i) =>
      incident({ number: `INC00000${i}1`, priority: i < 2 ? 1 : 2 }),
    );
    server.use(
      http.get(entityUrl(sre, 'summary'), () =>
        HttpResponse.json(summary(sre)),
      ),
      http.get(entityUrl(sre, 'incidents'), ({ request }) => {
        const query = new URL(request.url).searchParams;
        requests.push(query);
        const items =
          query.get('priority') === '1,2'
            ? critical
            : [incident({ number: 'INC0000099', priority: 4 })];
        return HttpResponse.json({
          items,
          totalCount: items.length,
          limit: Number(query.get('limit')),
          offset: 0,
        });
      }),
    );
    await renderItops(<MyOnCallAndIncidents />, {
      apis: [identity([sre])],
    });
    const list = await screen.findByRole('list', {
      name: 'Open incidents, most critical first',
    });
    const numbers = within(list)
      .getAllByRole('link')
      .map(link => link.textContent?.replace(/, Opens in a new window$/, ''));
    expect(numbers).toEqual([...critical.map(i => i.number), 'INC0000099']);
    expect(
      requests.map(q => [q.get('priority'), q.get('sort'), q.get('state')]),
    ).toEqual(
      expect.arrayContaining([
        ['1,2', 'priority', 'open'],
        ['3,4,5', 'priority', 'open'],
      ]),
    );
    // All of P1 and P2 in one page, a few of the rest.
    expect(requests.find(q => q.get('priority') === '1,2')!.get('limit')).toBe(
      '100',
    );
  });
});
