/* eslint-disable no-console */
/*
 * Waits until the backend at E2E_BASE_URL is up and has synced the
 * simulators once: every capability the entity tab shows has a successful
 * sync, and the example service has records mapped to it. Signs in as the
 * guest user for the authenticated routes. Gives up after
 * E2E_SYNC_TIMEOUT_MS (default 300000).
 */

const CAPABILITIES = ['oncall', 'incidents', 'changes', 'backups'];
/** The example service, and the areas it has records of itself. */
const PROBE_ENTITY = 'component/default/payments-api';
const PROBE_AREAS = ['incidents', 'changes', 'backups'];

const baseUrl = process.env.E2E_BASE_URL?.replace(/\/$/, '');
const timeoutMs = Number(process.env.E2E_SYNC_TIMEOUT_MS ?? 300_000);
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function json(path: string, token?: string): Promise<any> {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: {
      'x-requested-with': 'XMLHttpRequest',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });
  if (!response.ok) {
    throw new Error(`${path}: HTTP ${response.status}`);
  }
  return response.json();
}

async function main() {
  if (!baseUrl) {
    throw new Error('E2E_BASE_URL is not set');
  }
  const deadline = Date.now() + timeoutMs;
  let last = 'backend not up';
  let upAt: number | undefined;
  while (Date.now() < deadline) {
    try {
      await json('/api/itops/health');
      upAt ??= Date.now();
      const { backstageIdentity } = await json(
        '/api/auth/guest/refresh?optional&env=development',
      );
      const token = backstageIdentity.token;
      const { items } = await json('/api/itops/sync-status', token);
      const synced = new Set(
        (items as Array<{ capability: string; lastSuccessAt?: string }>)
          .filter(row => row.lastSuccessAt)
          .map(row => row.capability),
      );
      const missing = CAPABILITIES.filter(c => !synced.has(c));
      if (missing.length > 0) {
        last = `waiting for the first sync of ${missing.join(', ')}`;
      } else {
        const summary = await json(
          `/api/itops/entities/${PROBE_ENTITY}/summary`,
          token,
        );
        const unmapped = PROBE_AREAS.filter(
          area => summary[area] && summary[area].available !== true,
        );
        if (unmapped.length === 0) {
          console.log(
            `Backend synced after ${((Date.now() - upAt) / 1000).toFixed(0)} s`,
          );
          return;
        }
        last = `waiting for ${unmapped.join(', ')} of ${PROBE_ENTITY}`;
      }
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(2000);
  }
  throw new Error(`Gave up after ${timeoutMs / 1000} s: ${last}`);
}

main().catch(error => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
