// @ts-check
/**
 * The benchmark's HTTP clients, run in a worker thread so that issuing
 * requests does not take CPU from the backend under test on the same thread.
 * Receives { baseUrl, paths, clients } and answers with sorted latencies (ms)
 * and the number of failed requests.
 */
const { parentPort, workerData } = require('node:worker_threads');

async function run() {
  const { baseUrl, paths, clients } = workerData;
  /** @type {number[]} */
  const latencies = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < paths.length) {
        const path = paths[next++];
        const t0 = performance.now();
        const response = await fetch(`${baseUrl}${path}`);
        await response.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (!response.ok) failures++;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  parentPort?.postMessage({
    latencies,
    failures,
    seconds: (performance.now() - started) / 1000,
  });
}

run();
