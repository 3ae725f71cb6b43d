import { identityApiRef } from '@backstage/core-plugin-api';
import { mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { entityUrl, incident } from '../../__testUtils__/fixtures';
import { renderItops } from '../../__testUtils__/renderItops';
import { IncidentsContent } from './IncidentsContent';
import { parseIncidentsState, serializeIncidentsState } from './incidentsQuery';

const server = setupServer();
const sre = 'group:default/platform-sre';
const identity: [any, any] = [
  identityApiRef,
  mockApis.identity({
    userEntityRef: 'user:default/alice.ng',
    ownershipEntityRefs: ['user:default/alice.ng', sre],
  }),
];

describe('IncidentsContent', () => {
  registerMswTestHooks(server);

  it('keeps every filter and the page in the URL, defaults left out', () => {
    const state = parseIncidentsState(
      new URLSearchParams('entityRef=group:default/a&state=all&priority=2,1,9'),
    );
    expect(state).toEqual({
      entityRef: 'group:default/a',
      state: 'all',
      priority: [1, 2],
      page: 1,
    });
    expect(serializeIncidentsState({ ...state, page: 2 }).toString()).toBe(
      'entityRef=group%3Adefault%2Fa&state=all&priority=1%2C2&page=2',
    );
    expect(parseIncidentsState(new URLSearchParams('state=bogus')).state).toBe(
      'open',
    );
  });

  it("lists the user's team's incidents most critical first and filters by priority", async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get(entityUrl(sre, 'incidents'), ({ request }) => {
        const query = new URL(request.url).searchParams;
        queries.push(query);
        const items =
          query.get('priority') === '1'
            ? [incident({ number: 'INC0000001', priority: 1 })]
            : [
                incident({ number: 'INC0000001', priority: 1 }),
                incident({ number: 'INC0000002', priority: 3 }),
              ];
        return HttpResponse.json({
          items,
          totalCount: items.length,
          limit: 25,
          offset: 0,
        });
      }),
    );
    await renderItops(<IncidentsContent />, { apis: [identity] });
    const table = await screen.findByRole('table', { name: 'Incidents' });
    expect(
      within(table)
        .getAllByRole('link')
        .map(l => l.textContent?.replace(/, Opens in a new window$/, '')),
    ).toEqual(['INC0000001', 'INC0000002']);
    expect(queries[0].get('sort')).toBe('priority');
    expect(queries[0].get('state')).toBe('open');

    fireEvent.mouseDown(screen.getByLabelText(/Priority/));
    fireEvent.click(await screen.findByRole('option', { name: 'P1 critical' }));
    await waitFor(() =>
      expect(queries[queries.length - 1].get('priority')).toBe('1'),
    );
    expect(
      await screen.findByText(/1 incident$/, { exact: false }),
    ).toBeInTheDocument();
  });
});
