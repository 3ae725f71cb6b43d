import { mockServices } from '@backstage/backend-test-utils';
import { SourceRequestError } from '@backstage-itops/plugin-itops-node';
import { OptionalCalls } from './optionalCalls';
import { VeeamShapeError } from './VeeamClient';

const TASKS = {
  call: 'GET /api/v1/sessions/{id}/taskSessions',
  lost: 'failed objects',
};
const TESTS = { call: TASKS.call, lost: 'restore tests' };
const refused = (status: number) =>
  new SourceRequestError(`veeam/x GET /p answered ${status}: {}`, {
    status,
    attempts: 1,
  });

describe('OptionalCalls', () => {
  it.each([
    [403, '403 Forbidden'],
    [404, '404 Not Found'],
    [501, '501 Not Implemented'],
  ])(
    'takes %i as a refusal: no answer, the batch names the call, and it is not made again',
    async (status, reason) => {
      const logger = mockServices.logger.mock();
      const calls = new OptionalCalls('veeam/x', logger);
      const request = jest.fn().mockRejectedValue(refused(status));

      expect(await calls.run(TASKS, request)).toBeUndefined();
      expect(await calls.run(TASKS, request)).toBeUndefined();
      expect(request).toHaveBeenCalledTimes(1);
      expect(calls.isRefused(TASKS)).toBe(true);
      expect(calls.takeBatch()).toEqual([{ ...TASKS, reason }]);
      // The next batch goes without it too, and says so.
      expect(await calls.run(TASKS, request)).toBeUndefined();
      expect(calls.takeBatch()).toEqual([{ ...TASKS, reason }]);
      expect(calls.takeBatch()).toBeUndefined();
      expect(logger.warn).toHaveBeenCalledTimes(1);
    },
  );

  it('keeps the uses of one endpoint apart', async () => {
    const calls = new OptionalCalls('veeam/x');
    await calls.run(TESTS, () => Promise.reject(refused(403)));
    expect(await calls.run(TASKS, async () => ['ok'])).toEqual(['ok']);
    expect(calls.takeBatch()).toEqual([{ ...TESTS, reason: '403 Forbidden' }]);
  });

  it('does not take a refusal as partial when the caller has another way to the data', async () => {
    const calls = new OptionalCalls('veeam/x');
    const request = jest.fn().mockRejectedValue(refused(404));
    const listing = {
      call: 'GET /api/v1/taskSessions',
      lost: 'failed objects',
    };
    expect(
      await calls.run(listing, request, { fallback: 'per session' }),
    ).toBeUndefined();
    expect(
      await calls.run(listing, request, { fallback: 'per session' }),
    ).toBeUndefined();
    expect(request).toHaveBeenCalledTimes(1);
    expect(calls.isRefused(listing)).toBe(true);
    expect(calls.takeBatch()).toBeUndefined();
  });

  it('takes an answer of an unexpected shape as a refusal', async () => {
    const calls = new OptionalCalls('veeam/x');
    await calls.run(TASKS, () =>
      Promise.reject(new VeeamShapeError('no data')),
    );
    expect(calls.takeBatch()).toEqual([
      { ...TASKS, reason: 'unexpected answer shape' },
    ]);
  });

  it.each([
    ['a 401', refused(401)],
    ['a 429 after the retries', refused(429)],
    ['a 503 after the retries', refused(503)],
    ['a 400', refused(400)],
    [
      'a network failure',
      new SourceRequestError('veeam/x GET /p failed', { attempts: 3 }),
    ],
    ['a bug', new TypeError('x is undefined')],
  ])('throws %s, failing the run', async (_, error) => {
    const calls = new OptionalCalls('veeam/x');
    await expect(calls.run(TASKS, () => Promise.reject(error))).rejects.toBe(
      error,
    );
    expect(calls.isRefused(TASKS)).toBe(false);
    expect(calls.takeBatch()).toBeUndefined();
  });
});
