import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { HOUR, at, incident, paymentsApi } from '../../__testUtils__/fixtures';
import { ITOPS_BASE_URL, renderItops } from '../../__testUtils__/renderItops';
import { IncidentTable } from './IncidentsCard';
import { slaText } from './IncidentDrawer';

const server = setupServer();

const listed = incident({
  externalId: 'a1b2c3',
  number: 'INC0010042',
  title: 'Card payments time out',
  url: 'https://sn.example/incident.do?sys_id=a1b2c3',
});

describe('IncidentDrawer', () => {
  registerMswTestHooks(server);

  it('opens from the table with timeline, labels, SLA, links and entities, and Escape returns focus', async () => {
    const requested: string[] = [];
    server.use(
      http.get(
        `${ITOPS_BASE_URL}/incidents/:type/:instance/:id`,
        ({ params }) => {
          requested.push(`${params.type}/${params.instance}/${params.id}`);
          return HttpResponse.json({
            incident: {
              ...listed,
              state: 'resolved',
              sourceState: 'Resolved by caller',
              priority: 2,
              openedAt: at(-5 * HOUR),
              assignedAt: at(-5 * HOUR + 60_000),
              acknowledgedAt: at(-4 * HOUR),
              resolvedAt: at(-HOUR),
              assignmentGroup: 'Payments SRE',
              slaMet: false,
              postIncidentReview: {
                reference: 'PRB0040001',
                url: 'https://sn.example/problem.do?sys_id=p1',
                completed: false,
              },
            },
            entityRefs: ['component:default/payments-api'],
            linkedChanges: [
              {
                externalId: 'c1',
                reference: 'CHG0030001',
                relation: 'caused_by',
                url: 'https://sn.example/change_request.do?sys_id=c1',
                change: {
                  sourceType: 'servicenow',
                  sourceInstance: 'demo',
                  externalId: 'c1',
                  url: 'https://sn.example/change_request.do?sys_id=c1',
                  number: 'CHG0030001',
                  title: 'Rotate gateway certificates',
                  type: 'normal',
                  state: 'in_progress',
                  plannedStart: '2026-12-01T08:00:00.000Z',
                  plannedEnd: '2026-12-01T09:00:00.000Z',
                },
              },
              {
                externalId: 'f00d',
                reference: 'f00d',
                relation: 'related',
                url: 'https://sn.example/change_request.do?sys_id=f00d',
                unresolved: 'not_synced',
              },
            ],
          });
        },
      ),
    );
    await renderItops(<IncidentTable incidents={[listed]} />, {
      entity: paymentsApi,
    });

    const opener = screen.getByRole('button', {
      name: 'Card payments time out',
    });
    await userEvent.click(opener);
    const region = await screen.findByRole('region', {
      name: 'Incident INC0010042',
    });
    expect(requested).toEqual(['servicenow/demo/a1b2c3']);
    const detail = within(region);
    expect(
      within(detail.getByRole('list', { name: 'Labels' }))
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(['P2 high', 'Resolved']);
    expect(detail.getByText('Resolved by caller')).toBeInTheDocument();
    expect(detail.getByText('Breached')).toBeInTheDocument();
    const steps = within(detail.getByRole('list', { name: 'Timeline' }))
      .getAllByRole('listitem')
      .map(item => item.textContent);
    expect(steps).toEqual([
      expect.stringMatching(/^Opened .*5 hours ago/),
      expect.stringMatching(/^Assigned .* to Payments SRE$/),
      expect.stringMatching(/^Acknowledged .*4 hours ago/),
      expect.stringMatching(/^Resolved .*1 hour ago/),
    ]);
    expect(detail.getByRole('link', { name: /^PRB0040001/ })).toHaveAttribute(
      'href',
      'https://sn.example/problem.do?sys_id=p1',
    );
    expect(
      detail.getByRole('link', {
        name: /^Open INC0010042 in ServiceNow \(demo\)/,
      }),
    ).toHaveAttribute('href', 'https://sn.example/incident.do?sys_id=a1b2c3');
    expect(detail.getByRole('link', { name: /payments-api/ })).toBeVisible();

    const changes = within(
      detail.getByRole('list', { name: 'Linked changes' }),
    ).getAllByRole('listitem');
    expect(changes).toHaveLength(2);
    const [cause, related] = changes.map(item => within(item));
    expect(cause.getByRole('link', { name: /^CHG0030001/ })).toHaveAttribute(
      'href',
      'https://sn.example/change_request.do?sys_id=c1',
    );
    expect(changes[0].textContent).toMatch(
      /^Caused by: CHG0030001.* Rotate gateway certificates/,
    );
    expect(cause.getByText(/^In progress · planned Dec 1/)).toBeVisible();
    // Not synced (or hidden from ITOps): the bare reference, said so.
    expect(related.getByRole('link', { name: /^f00d/ })).toHaveAttribute(
      'href',
      'https://sn.example/change_request.do?sys_id=f00d',
    );
    expect(changes[1].textContent).toMatch(/^Related: f00d/);
    expect(
      related.getByText('not synced or not visible to ITOps'),
    ).toBeVisible();

    await userEvent.keyboard('{Escape}');
    await waitFor(() =>
      expect(
        screen.queryByRole('region', { name: 'Incident INC0010042' }),
      ).not.toBeInTheDocument(),
    );
    expect(opener).toHaveFocus();
  });

  it('says what the source did not report and shows the backend error', async () => {
    const open = incident({ externalId: 'quiet', number: 'INC0010043' });
    server.use(
      http.get(`${ITOPS_BASE_URL}/incidents/servicenow/demo/quiet`, () =>
        HttpResponse.json({
          incident: { ...open, url: undefined },
          entityRefs: ['component:default/payments-api'],
        }),
      ),
      http.get(`${ITOPS_BASE_URL}/incidents/servicenow/demo/gone`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'No incident gone' },
            request: { method: 'GET', url: '/' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    const gone = incident({ externalId: 'gone', title: 'Vanished' });
    await renderItops(<IncidentTable incidents={[open, gone]} />);

    await userEvent.click(
      screen.getByRole('button', { name: 'Card payments time out' }),
    );
    const region = await screen.findByRole('region', {
      name: 'Incident INC0010043',
    });
    const detail = within(region);
    expect(detail.getAllByText('Not reported by source')).toHaveLength(2);
    // No review and, from a backend that sends none, no linked changes.
    expect(detail.getAllByText('None linked in the source.')).toHaveLength(2);
    expect(detail.getByText('Acknowledged').closest('li')?.textContent).toMatch(
      /not yet, or not reported by source/,
    );
    // Open: no "Resolved" step yet.
    expect(
      within(detail.getByRole('list', { name: 'Timeline' }))
        .getAllByRole('listitem')
        .map(item => item.textContent?.split(' ')[0]),
    ).toEqual(['Opened', 'Acknowledged']);
    expect(
      detail.queryByRole('link', { name: /^Open INC/ }),
    ).not.toBeInTheDocument();
    await userEvent.click(
      detail.getByRole('button', { name: 'Close incident detail' }),
    );
    await waitFor(() => expect(region).not.toBeInTheDocument());

    await userEvent.click(screen.getByRole('button', { name: 'Vanished' }));
    expect(await screen.findByText(/No incident gone/)).toBeInTheDocument();
  });

  it('tells a caller who may not read changes why links are bare', async () => {
    const linking = incident({ externalId: 'linking', number: 'INC0010044' });
    server.use(
      http.get(`${ITOPS_BASE_URL}/incidents/servicenow/demo/linking`, () =>
        HttpResponse.json({
          incident: linking,
          entityRefs: ['component:default/payments-api'],
          linkedChanges: [
            {
              externalId: 'c1',
              reference: 'CHG0030001',
              relation: 'related',
              unresolved: 'not_permitted',
            },
          ],
        }),
      ),
    );
    await renderItops(<IncidentTable incidents={[linking]} />);
    await userEvent.click(
      screen.getByRole('button', { name: 'Card payments time out' }),
    );
    const region = await screen.findByRole('region', {
      name: 'Incident INC0010044',
    });
    const [item] = within(
      within(region).getByRole('list', { name: 'Linked changes' }),
    ).getAllByRole('listitem');
    expect(item.textContent).toBe(
      'Related: CHG0030001you may not read changes in ITOps',
    );
    expect(within(item).queryByRole('link')).not.toBeInTheDocument();
  });

  it('names the SLA state from the stored field only', () => {
    expect(slaText(true)).toBe('Met');
    expect(slaText(false)).toBe('Breached');
    expect(slaText(undefined)).toBe('Not reported by source');
  });
});
