// Run by requestInChild: one request, its outcome as a JSON line on stdout.
import { SourceHttpClient, SourceRequestError } from '../SourceHttpClient';

async function main() {
  const options = JSON.parse(process.argv[2]);
  const client = new SourceHttpClient({
    name: 'test/child',
    baseUrl: options.baseUrl,
    requestsPerSecond: 1000,
    timeoutMs: options.timeoutMs,
    timeouts: options.timeouts,
    auth: { headers: async () => ({ authorization: 'Bearer secret-token' }) },
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    sleep: async () => {},
  });
  try {
    const answer = await client.json(options.path);
    process.stdout.write(
      `${JSON.stringify({ ok: true, body: answer.body })}\n`,
    );
  } catch (e) {
    const error = e as SourceRequestError;
    process.stdout.write(
      `${JSON.stringify({
        ok: false,
        error: {
          name: error.name,
          message: error.message,
          request: error.request,
          status: error.status,
          timeout: error.timeout,
        },
      })}\n`,
    );
  }
  // Keep-alive sockets of the dispatcher would hold the process open.
  process.exit(0);
}

main();
