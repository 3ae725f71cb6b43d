// @ts-check
/**
 * The benchmark's HTTP clients, run in a worker thread so that issuing
 * requests does not take CPU from the backend under test on the same thread.
 * Receives { baseUrl, paths, clients, thinkMs } and answers with sorted
 * latencies (ms), the number of failed requests, the first failure's
 * message and how many requests were retried. With `thinkMs`, each client
 * pauses a uniformly random 0..2*thinkMs between its requests, like a
 * person moving between pages; without, clients send back to back, which
 * measures saturation rather than the latency users see.
 */
const { parentPort, workerData } = require('node:worker_threads');

/**
 * A request on a kept-alive connection that the server closed as idle just
 * as it was sent fails with a connection error; browsers retry such
 * idempotent requests once, and so do these clients. An overloaded server,
 * whose idle timers fire late, makes the race frequent enough to matter.
 *
 * @param {string} url
 * @returns {Promise<{ response: Response, retried: boolean }>}
 */
async function get(url) {
  try {
    return { response: await fetch(url), retried: false };
  } catch {
    return { response: await fetch(url), retried: true };
  }
}

async function run() {
  const { baseUrl, paths, clients, thinkMs = 0 } = workerData;
  /** @type {number[]} */
  const latencies = [];
  let next = 0;
  let failures = 0;
  let retries = 0;
  /** @type {string | undefined} */
  let firstFailure;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < paths.length) {
        const path = paths[next++];
        const t0 = performance.now();
        try {
          const { response, retried } = await get(`${baseUrl}${path}`);
          await response.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (retried) retries++;
          if (!response.ok) {
            failures++;
            firstFailure ??= `${path}: HTTP ${response.status}`;
          }
        } catch (error) {
          failures++;
          // fetch reports the connection error as the cause.
          const reason = error instanceof Error ? error.cause ?? error : error;
          firstFailure ??= `${path}: ${reason}`;
        }
        if (thinkMs > 0) {
          await new Promise(r => setTimeout(r, Math.random() * 2 * thinkMs));
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  parentPort?.postMessage({
    latencies,
    failures,
    firstFailure,
    retries,
    seconds: (performance.now() - started) / 1000,
  });
}

run();
