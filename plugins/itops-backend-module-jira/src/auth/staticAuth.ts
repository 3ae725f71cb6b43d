import type { SourceAuth } from '@backstage-itops/plugin-itops-node';

/**
 * Basic auth: Jira Cloud's email and API token, or a Data Center user name
 * and password. Nothing to renew: a revoked token needs new config.
 */
export class BasicAuth implements SourceAuth {
  readonly #header: string;

  constructor(username: string, secret: string) {
    this.#header = `Basic ${Buffer.from(`${username}:${secret}`).toString(
      'base64',
    )}`;
  }

  async headers(): Promise<Record<string, string>> {
    return { authorization: this.#header };
  }
}

/** A Data Center personal access token, sent as Bearer. */
export class BearerAuth implements SourceAuth {
  readonly #header: string;

  constructor(token: string) {
    this.#header = `Bearer ${token}`;
  }

  async headers(): Promise<Record<string, string>> {
    return { authorization: this.#header };
  }
}
