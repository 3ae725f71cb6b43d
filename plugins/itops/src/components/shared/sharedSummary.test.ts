import type { ItopsApi, ItopsEntitySummary } from '../../api';
import { SUMMARY_REUSE_MS, loadSharedSummary } from './sharedSummary';

const REF = 'component:default/payments-api';

/** An API whose summary calls are counted and answered on demand. */
function countingApi() {
  const pending: Array<{
    resolve: (summary: ItopsEntitySummary) => void;
    reject: (error: Error) => void;
  }> = [];
  const getEntitySummary = jest.fn(
    () =>
      new Promise<ItopsEntitySummary>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
  );
  const api = { getEntitySummary } as unknown as ItopsApi;
  return { api, getEntitySummary, pending };
}

const answer = (entityRef: string) =>
  ({ entityRef }) as unknown as ItopsEntitySummary;

describe('loadSharedSummary', () => {
  it('sends one request for cards asking while it is in flight', async () => {
    const { api, getEntitySummary, pending } = countingApi();
    const first = loadSharedSummary(api, REF);
    const second = loadSharedSummary(api, REF);
    expect(getEntitySummary).toHaveBeenCalledTimes(1);
    pending[0].resolve(answer(REF));
    await expect(first).resolves.toEqual(answer(REF));
    await expect(second).resolves.toEqual(answer(REF));
  });

  it('hands an answer to a card mounting shortly after, and asks again later', async () => {
    let clock = 1_000;
    const now = () => clock;
    const { api, getEntitySummary, pending } = countingApi();
    const first = loadSharedSummary(api, REF, now);
    pending[0].resolve(answer(REF));
    await first;

    clock += SUMMARY_REUSE_MS - 1;
    await expect(loadSharedSummary(api, REF, now)).resolves.toEqual(
      answer(REF),
    );
    expect(getEntitySummary).toHaveBeenCalledTimes(1);

    clock += 1;
    const later = loadSharedSummary(api, REF, now);
    expect(getEntitySummary).toHaveBeenCalledTimes(2);
    pending[1].resolve(answer(REF));
    await later;
  });

  it('forgets a failed request so that a retry asks again', async () => {
    const { api, getEntitySummary, pending } = countingApi();
    const failed = loadSharedSummary(api, REF);
    pending[0].reject(new Error('Request failed with 503'));
    await expect(failed).rejects.toThrow('503');

    const retried = loadSharedSummary(api, REF);
    expect(getEntitySummary).toHaveBeenCalledTimes(2);
    pending[1].resolve(answer(REF));
    await expect(retried).resolves.toEqual(answer(REF));
  });

  it('keeps entities and API instances apart', async () => {
    const one = countingApi();
    const other = countingApi();
    loadSharedSummary(one.api, REF);
    loadSharedSummary(one.api, 'group:default/payments-team');
    loadSharedSummary(other.api, REF);
    expect(one.getEntitySummary).toHaveBeenCalledTimes(2);
    expect(other.getEntitySummary).toHaveBeenCalledTimes(1);
  });
});
