import type {
  ComplianceBreach,
  ComplianceBreachList,
} from '@backstage-itops/plugin-itops-common';
import { identityApiRef } from '@backstage/core-plugin-api';
import { mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ITOPS_BASE_URL, renderItops } from '../../__testUtils__/renderItops';
import { BreachDecisionsPage } from './BreachDecisionsPage';

const server = setupServer();
const HOUR = 3_600_000;
const now = Date.now();
const at = (ms: number) => new Date(now + ms).toISOString();

const overdue: ComplianceBreach = {
  breachRef: 'INC0042',
  title: 'Mail sent to the wrong customer',
  url: 'https://sn.example/INC0042',
  priority: 2,
  state: 'resolved',
  openedAt: at(-101 * HOUR),
  awareAt: at(-100 * HOUR),
  deadline: at(-28 * HOUR),
  decisionState: 'undecided',
  overdue: true,
  entityRefs: ['component:default/payments-api'],
  decisions: [],
};
const decided: ComplianceBreach = {
  breachRef: 'INC0043',
  title: 'Laptop lost, disk encrypted',
  priority: 3,
  state: 'closed',
  openedAt: at(-10 * HOUR),
  awareAt: at(-9 * HOUR),
  deadline: at(63 * HOUR),
  decisionState: 'not_notifiable',
  overdue: false,
  highRisk: false,
  entityRefs: [],
  decisions: [
    {
      id: '1',
      breachRef: 'INC0043',
      decision: 'not_notifiable',
      highRisk: false,
      decidedBy: 'user:default/dpo',
      decidedAt: at(-8 * HOUR),
      reason: 'Full-disk encryption, key not lost',
      link: 'https://dpo.example/17',
      recordedBy: 'user:default/dpo',
      recordedAt: at(-8 * HOUR),
    },
  ],
};
const page = (items: ComplianceBreach[]): ComplianceBreachList => ({
  deadlineHours: 72,
  total: items.length,
  offset: 0,
  limit: 25,
  items,
});

describe('BreachDecisionsPage', () => {
  registerMswTestHooks(server);

  it('lists breaches with the legal deadline, marks the overdue one and shows a history', async () => {
    const queries: string[] = [];
    server.use(
      http.get(`${ITOPS_BASE_URL}/compliance/breaches`, ({ request }) => {
        const url = new URL(request.url);
        queries.push(url.search);
        return HttpResponse.json(
          page(
            url.searchParams.get('overdue') === 'true'
              ? [overdue]
              : [overdue, decided],
          ),
        );
      }),
    );
    await renderItops(<BreachDecisionsPage />);
    const table = await screen.findByRole('table', {
      name: 'Personal-data breaches',
    });
    expect(screen.getByText(/This deadline is the law/)).toBeInTheDocument();
    expect(
      within(table).getByRole('columnheader', { name: '72 h deadline (law)' }),
    ).toBeInTheDocument();
    const rows = within(table).getAllByRole('row');
    const late = rows.find(r => r.textContent?.includes('INC0042'))!;
    expect(late).toHaveAttribute('data-overdue', 'true');
    expect(within(late).getByText('Overdue')).toBeInTheDocument();
    expect(within(late).getByText('No decision')).toBeInTheDocument();
    expect(
      within(late).getByRole('link', { name: /^INC0042/ }),
    ).toHaveAttribute('href', 'https://sn.example/INC0042');
    const ok = rows.find(r => r.textContent?.includes('INC0043'))!;
    expect(ok).toHaveAttribute('data-overdue', 'false');
    expect(within(ok).getByText('Not notifiable')).toBeInTheDocument();

    await userEvent.click(
      within(ok).getByRole('button', { name: 'History (1)' }),
    );
    const history = screen.getByRole('list', { name: 'History of INC0043' });
    expect(history).toHaveTextContent(
      /decided by user:default\/dpo .*: Full-disk encryption, key not lost/,
    );

    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Overdue only' }),
    );
    await waitFor(() =>
      expect(queries).toContain('?overdue=true&offset=0&limit=25'),
    );
    await waitFor(() =>
      expect(screen.queryByText('INC0043')).not.toBeInTheDocument(),
    );
  });

  it('records a decision as the signed-in user and shows the backend’s 400 message', async () => {
    const posted: unknown[] = [];
    let reply: 'bad' | 'ok' = 'bad';
    server.use(
      http.get(`${ITOPS_BASE_URL}/compliance/breaches`, () =>
        HttpResponse.json(page([overdue])),
      ),
      http.post(
        `${ITOPS_BASE_URL}/compliance/breaches/INC0042/decisions`,
        async ({ request }) => {
          posted.push(await request.json());
          if (reply === 'bad') {
            return HttpResponse.json(
              {
                error: {
                  name: 'InputError',
                  message: "Body field 'notifiedAt' lies in the future",
                },
                response: { statusCode: 400 },
              },
              { status: 400 },
            );
          }
          return HttpResponse.json({ id: '2' }, { status: 201 });
        },
      ),
    );
    await renderItops(<BreachDecisionsPage />, {
      apis: [
        [
          identityApiRef,
          mockApis.identity({ userEntityRef: 'user:default/dpo' }),
        ],
      ],
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Record decision' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Record decision on INC0042',
    });
    expect(
      await within(dialog).findByText('user:default/dpo'),
    ).toBeInTheDocument();
    const record = within(dialog).getByRole('button', {
      name: 'Record decision',
    });
    expect(record).toBeDisabled();
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /^Reason\s*\*?$/ }),
      'Bank details disclosed to a third party',
    );
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Link to the record/ }),
      'https://dpo.example/18',
    );
    await userEvent.click(record);
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      /^Body field 'notifiedAt' lies in the future$/,
    );
    expect(posted[0]).toMatchObject({
      decision: 'notifiable',
      reason: 'Bank details disclosed to a third party',
      link: 'https://dpo.example/18',
    });
    // The deciding person comes from the credentials, never the form.
    expect(posted[0]).not.toHaveProperty('decidedBy');
    expect(Date.parse((posted[0] as any).decidedAt)).toBeLessThanOrEqual(
      Date.now(),
    );

    reply = 'ok';
    await userEvent.click(record);
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(posted).toHaveLength(2);
  });
});
