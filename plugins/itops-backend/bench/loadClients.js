// @ts-check
/**
 * The benchmark's HTTP clients, run in a worker thread so that issuing
 * requests does not take CPU from the backend under test on the same thread.
 * Receives { baseUrl, paths, clients, thinkMs } and answers with sorted
 * latencies (ms) and the number of failed requests. With `thinkMs`, each
 * client pauses a uniformly random 0..2*thinkMs between its requests, like a
 * person moving between pages; without, clients send back to back, which
 * measures saturation rather than the latency users see.
 */
const { parentPort, workerData } = require('node:worker_threads');

async function run() {
  const { baseUrl, paths, clients, thinkMs = 0 } = workerData;
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
    seconds: (performance.now() - started) / 1000,
  });
}

run();
