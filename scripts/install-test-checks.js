/* eslint-disable no-console */
// The install test's checks against the fresh app's backend (BASE_URL),
// with a static external-access token (TOKEN): /api/itops/health answers
// 200 without credentials; a sync of each source stores records (sync
// status with a success and records); the entity API answers for the
// example service with data mapped to it. Polls until TIMEOUT_MS.
const { BASE_URL, TOKEN } = process.env;
const timeoutMs = Number(process.env.TIMEOUT_MS ?? 300000);
const sleep = ms => new Promise(r => setTimeout(r, ms));

async function get(path, token) {
  const res = await fetch(`${BASE_URL}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const body = await res.text();
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${body.slice(0, 300)}`);
  return JSON.parse(body);
}

const checks = [
  ['health 200', async () => {
    const health = await get('/api/itops/health');
    return `health ${JSON.stringify(health).slice(0, 200)}`;
  }],
  ['an authenticated route refuses no token', async () => {
    const res = await fetch(`${BASE_URL}/api/itops/sync-status`);
    if (res.status !== 401) throw new Error(`sync-status without a token: ${res.status}`);
    return 'sync-status without a token: 401';
  }],
  ['each source synced', async () => {
    const { items } = await get('/api/itops/sync-status', TOKEN);
    const stored = new Set(items.filter(i => i.lastSuccessAt && i.recordCount > 0).map(i => i.sourceType));
    for (const s of ['servicenow', 'jira', 'veeam']) {
      if (!stored.has(s)) throw new Error(`no ${s} sync has stored records yet (${JSON.stringify(items).slice(0, 300)})`);
    }
    const capabilities = new Set(items.filter(i => i.lastSuccessAt).map(i => i.capability));
    for (const c of ['incidents', 'changes', 'backups', 'oncall']) {
      if (!capabilities.has(c)) throw new Error(`no successful ${c} sync yet (${JSON.stringify(items).slice(0, 300)})`);
    }
    return `synced: ${[...capabilities].join(', ')} with records from ${[...stored].join(', ')}`;
  }],
  ['records stored and mapped to the example service', async () => {
    const summary = await get('/api/itops/entities/component/default/payments-api/summary', TOKEN);
    const missing = ['incidents', 'changes', 'backups'].filter(a => summary[a]?.available !== true);
    if (missing.length) throw new Error(`payments-api has no ${missing.join(', ')} yet`);
    const incidents = await get('/api/itops/entities/component/default/payments-api/incidents', TOKEN);
    const rows = incidents.items ?? incidents.incidents ?? [];
    if (!rows.length) throw new Error('payments-api has no incidents yet');
    return `payments-api: ${rows.length} incidents on the first page`;
  }],
];

async function main() {
  const deadline = Date.now() + timeoutMs;
  const started = Date.now();
  for (const [name, check] of checks) {
    let last;
    for (;;) {
      try {
        console.log(`ok ${name}: ${await check()} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
        break;
      } catch (error) {
        if (error.message !== last) console.log(`.. ${name}: ${error.message}`);
        last = error.message;
        try {
          process.kill(Number(process.env.BACKEND_PID), 0);
        } catch {
          throw new Error(`the backend exited; last: ${last}`);
        }
        if (Date.now() > deadline) throw new Error(`gave up on "${name}": ${last}`);
        await sleep(2000);
      }
    }
  }
}

main().catch(error => {
  console.error(error.message);
  process.exit(1);
});
