import type {
  SourceAuth,
  SourceHttpClient,
} from '@backstage-itops/plugin-itops-node';
import type { ServiceNowAuthConfig } from './config';

/** Basic auth: the same header on every request; nothing to renew. */
export class BasicAuth implements SourceAuth {
  readonly #header: string;

  constructor(username: string, password: string) {
    this.#header = `Basic ${Buffer.from(`${username}:${password}`).toString(
      'base64',
    )}`;
  }

  async headers(): Promise<Record<string, string>> {
    return { authorization: this.#header };
  }
}

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number | string;
  token_type?: string;
}

interface Token {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
  /** When to renew it: most of its lifetime used, never at the last second. */
  renewAt: number;
}

/** Share of a token's own lifetime after which it is renewed. */
export const RENEW_AT_SHARE_OF_LIFETIME = 0.8;
/** A token is never used in its last second: clocks and transit differ. */
const LAST_SECOND_MS = 1000;

/**
 * OAuth 2.0 against `/oauth_token.do` with the password or
 * client_credentials grant. The token is renewed once 80 % of its own
 * lifetime (`expires_in`) has passed, and never later than a second before
 * it expires, so that a long sync does not run into 401s and a short-lived
 * token is not fetched again for every request: a 5-second token costs one
 * token request per 4 seconds of sync at most. `refreshBeforeExpiryMs`, when
 * configured, renews earlier, though never in the first half of a token's
 * life. Renewal uses the refresh token when there is one and the original
 * grant otherwise; concurrent requests share one renewal. Token requests
 * meeting 429 (or 503) are retried by the token client with the shared
 * policy: after `Retry-After` when the instance sends one, else with
 * exponential backoff and jitter.
 *
 * The token requests go through `tokenClient`, a client of its own: the
 * shared client asks for headers while it holds a concurrency slot, so
 * fetching a token through the same client could wait for a slot forever.
 */
export class OAuthAuth implements SourceAuth {
  readonly #config: Extract<ServiceNowAuthConfig, { kind: 'oauth' }>;
  readonly #tokenClient: SourceHttpClient;
  readonly #now: () => number;
  #token?: Token;
  #pending?: Promise<Token>;

  constructor(options: {
    config: Extract<ServiceNowAuthConfig, { kind: 'oauth' }>;
    tokenClient: SourceHttpClient;
    now?: () => number;
  }) {
    this.#config = options.config;
    this.#tokenClient = options.tokenClient;
    this.#now = options.now ?? Date.now;
  }

  async headers(signal?: AbortSignal): Promise<Record<string, string>> {
    let token = this.#token;
    if (!token || token.renewAt <= this.#now()) {
      token = await this.#renew(token, signal);
    }
    return { authorization: `Bearer ${token.accessToken}` };
  }

  /** After a 401: the token was revoked or expired early; get a new one. */
  async refresh(signal?: AbortSignal): Promise<void> {
    await this.#renew(this.#token, signal);
  }

  #renew(stale: Token | undefined, signal?: AbortSignal): Promise<Token> {
    if (this.#token !== stale && this.#token) {
      // Another request renewed it meanwhile.
      return Promise.resolve(this.#token);
    }
    this.#pending ??= this.#fetchToken(stale, signal).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #fetchToken(stale: Token | undefined, signal?: AbortSignal) {
    let token: Token | undefined;
    if (stale?.refreshToken) {
      try {
        token = await this.#grant(
          { grant_type: 'refresh_token', refresh_token: stale.refreshToken },
          signal,
        );
      } catch (error) {
        if (signal?.aborted) {
          throw error;
        }
        // An expired or revoked refresh token: start over with the grant.
      }
    }
    token ??= await this.#grant(this.#primaryGrant(), signal);
    // Keep the refresh token when a refresh answer does not repeat it.
    token.refreshToken ??= stale?.refreshToken;
    this.#token = token;
    return token;
  }

  #primaryGrant(): Record<string, string> {
    const { grantType, username, password } = this.#config;
    return grantType === 'password'
      ? { grant_type: 'password', username: username!, password: password! }
      : { grant_type: 'client_credentials' };
  }

  async #grant(
    params: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Token> {
    const requestedAt = this.#now();
    const body = new URLSearchParams({
      ...params,
      client_id: this.#config.clientId,
      client_secret: this.#config.clientSecret,
    }).toString();
    const response = await this.#tokenClient.json<TokenAnswer>(
      '/oauth_token.do',
      {
        method: 'POST',
        anonymous: true,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal,
      },
    );
    const answer = response.body;
    if (!answer?.access_token) {
      throw new Error(
        `${this.#tokenClient.name}: the OAuth token answer has no access_token`,
      );
    }
    const expiresIn = Number(answer.expires_in ?? 1799);
    const lifetimeMs =
      (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 1799) * 1000;
    const expiresAt = requestedAt + lifetimeMs;
    return {
      accessToken: answer.access_token,
      refreshToken: answer.refresh_token || undefined,
      expiresAt,
      renewAt: this.#renewAt(requestedAt, lifetimeMs),
    };
  }

  #renewAt(issuedAt: number, lifetimeMs: number): number {
    const expiresAt = issuedAt + lifetimeMs;
    let at = Math.min(
      issuedAt + RENEW_AT_SHARE_OF_LIFETIME * lifetimeMs,
      expiresAt - LAST_SECOND_MS,
    );
    const before = this.#config.refreshBeforeExpiryMs;
    if (before !== undefined) {
      // Earlier when asked, but a token shorter than the margin must not
      // be renewed for every request.
      at = Math.min(
        at,
        Math.max(expiresAt - before, issuedAt + lifetimeMs / 2),
      );
    }
    return Math.max(issuedAt, at);
  }
}
