/* eslint-disable no-console */
/*
 * Waits until the backend at E2E_BASE_URL is up and has synced the
 * simulators once: every capability the entity tab shows has a successful
 * sync, and the example service has records mapped to it. Signs in as the
 * guest user for the authenticated routes. Gives up after
 * E2E_SYNC_TIMEOUT_MS (default 300000).
 */
import { waitForSync } from './waitForSync';

async function main() {
  const baseUrl = process.env.E2E_BASE_URL?.replace(/\/$/, '');
  if (!baseUrl) {
    throw new Error('E2E_BASE_URL is not set');
  }
  const seconds = await waitForSync({
    baseUrl,
    capabilities: ['oncall', 'incidents', 'changes', 'backups'],
    // The example service, and the areas it has records of itself.
    probes: [
      {
        entity: 'component/default/payments-api',
        areas: ['incidents', 'changes', 'backups'],
      },
    ],
    timeoutMs: Number(process.env.E2E_SYNC_TIMEOUT_MS ?? 300_000),
  });
  console.log(`Backend synced after ${seconds.toFixed(0)} s`);
}

main().catch(error => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
