import { MockFetchApi, registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ItopsClient } from '../../api';
import {
  entityUrl,
  paymentsApi,
  sourceHandlers,
} from '../../__testUtils__/fixtures';
import { renderItops, ITOPS_BASE_URL } from '../../__testUtils__/renderItops';
import { EntityOpenIncidentsCard } from '../IncidentsCard';
import { ItopsErrorPanel, describeItopsError } from './ItopsErrorPanel';

const server = setupServer();
const REF = 'component:default/payments-api';

/** The error body Backstage backends send (errorHandler middleware). */
const errorBody = (name: string, message: string, statusCode: number) => ({
  error: { name, message },
  request: {
    method: 'GET',
    url: '/api/itops/entities/component/default/payments-api/summary',
  },
  response: { statusCode },
});

async function failedRequest(
  status: number,
  body: object,
  headers: Record<string, string> = {},
): Promise<Error> {
  server.use(
    http.get(entityUrl(REF, 'summary'), () =>
      HttpResponse.json(body, { status, headers }),
    ),
  );
  const client = new ItopsClient({
    discoveryApi: { getBaseUrl: async () => ITOPS_BASE_URL },
    fetchApi: new MockFetchApi(),
  });
  return client.getEntitySummary(REF).then(
    () => {
      throw new Error('expected the request to fail');
    },
    error => error as Error,
  );
}

describe('ItopsErrorPanel', () => {
  registerMswTestHooks(server);

  it("shows the backend's message, the request and its id, not the status line", async () => {
    const error = await failedRequest(
      500,
      errorBody('Error', 'database is locked', 500),
      { 'x-request-id': 'req-42' },
    );
    expect(error.message).toMatch(/Request failed with 500/);
    expect(describeItopsError(error)).toEqual({
      message: 'database is locked',
      statusCode: 500,
      request: 'GET /api/itops/entities/component/default/payments-api/summary',
      requestId: 'req-42',
      forbidden: false,
    });
    await renderItops(<ItopsErrorPanel error={error} />);
    expect(screen.getByText(/database is locked/)).toBeInTheDocument();
    expect(screen.getByLabelText('Error details')).toHaveTextContent(
      'HTTP 500 · GET /api/itops/entities/component/default/payments-api/summary · request id req-42',
    );
    expect(screen.queryByText(/Request failed/)).not.toBeInTheDocument();
  });

  it('names the missing permission of a 403', async () => {
    const error = await failedRequest(
      403,
      errorBody(
        'NotAllowedError',
        'Missing permission itops.incident.read',
        403,
      ),
    );
    await renderItops(<ItopsErrorPanel error={error} />);
    expect(
      screen.getByText(
        /Permission needed: Missing permission itops\.incident\.read/,
      ),
    ).toBeInTheDocument();
  });

  it('shows a plain error by its message', () => {
    expect(describeItopsError(new Error('offline'))).toEqual({
      message: 'offline',
      forbidden: false,
    });
  });

  it('turns a 404 of an entity ITOps has not read yet into an empty state', async () => {
    server.use(
      http.get(entityUrl(REF, 'summary'), () =>
        HttpResponse.json(
          errorBody('NotFoundError', `Unknown entity ${REF}`, 404),
          { status: 404 },
        ),
      ),
      http.get(entityUrl(REF, 'incidents'), () =>
        HttpResponse.json(
          errorBody('NotFoundError', `Unknown entity ${REF}`, 404),
          { status: 404 },
        ),
      ),
      ...sourceHandlers(),
    );
    await renderItops(<EntityOpenIncidentsCard />, { entity: paymentsApi });
    expect(
      await screen.findByText(
        'ITOps has not read this entity from the catalog yet',
      ),
    ).toBeInTheDocument();
  });
});
