import {
  type SourceAuth,
  type SourceHttpClient,
  SourceRequestError,
} from '@backstage-itops/plugin-itops-node';
import { createHash } from 'node:crypto';
import type { OAuthTokenStore, StoredOAuthToken } from './OAuthTokenStore';

/** Share of an access token's own lifetime after which it is renewed. */
const RENEW_AT_LIFETIME_SHARE = 0.8;
/** Never use a token closer to its expiry than this: the request takes time too. */
const EXPIRY_MARGIN_MS = 1000;

/**
 * When a token is renewed: at 80 % of its own lifetime, so that a 1-hour
 * token is renewed after 48 minutes and a 5-second one after 4 seconds,
 * and in any case no later than 1 s before it expires (all a token of
 * unknown issue time gets).
 */
export function renewalTime(token: {
  accessIssuedAt?: number;
  accessExpiresAt?: number;
}): number {
  const expiresAt = token.accessExpiresAt ?? 0;
  const latest = expiresAt - EXPIRY_MARGIN_MS;
  if (token.accessIssuedAt === undefined) {
    return latest;
  }
  const lifetime = expiresAt - token.accessIssuedAt;
  return Math.min(
    latest,
    token.accessIssuedAt + Math.floor(lifetime * RENEW_AT_LIFETIME_SHARE),
  );
}

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number | string;
}

export interface OAuth3loOptions {
  site: string;
  clientId: string;
  clientSecret: string;
  /** The refresh token from the consent flow, as configured. */
  configuredRefreshToken: string;
  tokenUrl: string;
  /**
   * Token requests go through a client of their own: the API client asks
   * for headers while holding one of its concurrency slots, so fetching a
   * token through it could wait for a slot forever.
   */
  tokenClient: SourceHttpClient;
  store: OAuthTokenStore;
  now?: () => number;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * OAuth 2.0 (3LO) for Jira Cloud with Atlassian's rotating refresh tokens:
 * each refresh returns a new refresh token and invalidates the old one, so
 * the newest is persisted before it is used, and read back before every
 * refresh, so that restarts and other replicas continue the same chain.
 * A refresh token changed in config (after a new consent) starts a new
 * chain. Concurrent requests share one renewal. Tokens are renewed at
 * {@link renewalTime}; a token request answered 429 (with or without
 * `Retry-After`) is retried with backoff by the token client like any call.
 */
export class OAuth3loAuth implements SourceAuth {
  readonly #options: OAuth3loOptions;
  readonly #seedHash: string;
  readonly #now: () => number;
  #token?: StoredOAuthToken;
  #pending?: Promise<StoredOAuthToken>;

  constructor(options: OAuth3loOptions) {
    this.#options = options;
    this.#seedHash = sha256(options.configuredRefreshToken);
    this.#now = options.now ?? Date.now;
  }

  async headers(signal?: AbortSignal): Promise<Record<string, string>> {
    let token = this.#token;
    if (!token || !this.#fresh(token)) {
      token = await this.#renew(token, signal);
    }
    return { authorization: `Bearer ${token.accessToken}` };
  }

  /** After a 401: the access token was revoked or expired early. */
  async refresh(signal?: AbortSignal): Promise<void> {
    if (this.#pending) {
      // Parallel requests saw the same 401: one renewal serves them all.
      await this.#pending;
      return;
    }
    const stale = this.#token;
    if (stale) {
      // Not to be adopted again from the store.
      stale.accessExpiresAt = 0;
    }
    await this.#renew(stale, signal);
  }

  #fresh(token: StoredOAuthToken): boolean {
    return token.accessToken !== undefined && renewalTime(token) > this.#now();
  }

  #renew(
    stale: StoredOAuthToken | undefined,
    signal?: AbortSignal,
  ): Promise<StoredOAuthToken> {
    if (this.#token !== stale && this.#token && this.#fresh(this.#token)) {
      return Promise.resolve(this.#token);
    }
    this.#pending ??= this.#obtain(stale, signal).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #obtain(
    stale: StoredOAuthToken | undefined,
    signal?: AbortSignal,
  ): Promise<StoredOAuthToken> {
    const { site, store } = this.#options;
    const stored = await this.#currentChain();
    if (
      stored?.accessToken &&
      stored.accessToken !== stale?.accessToken &&
      this.#fresh(stored)
    ) {
      // Another replica (or an earlier run) renewed it already.
      return this.#use(stored);
    }
    const refreshToken =
      stored?.refreshToken ?? this.#options.configuredRefreshToken;
    let answer: TokenAnswer;
    try {
      answer = await this.#grant(refreshToken, signal);
    } catch (error) {
      // Only a refused grant (400/401/403 with invalid_grant; Atlassian
      // answers 403) says the token is spent; a rate limit, an outage or the
      // network keeps its own error, so that the sync status names it and
      // the token is tried again.
      if (
        signal?.aborted ||
        (error instanceof SourceRequestError &&
          ![400, 401, 403].includes(error.status ?? 0))
      ) {
        throw error;
      }
      // Another replica may have rotated the token in between: its refresh
      // invalidated ours. Continue from the one it stored.
      const newer = await this.#currentChain();
      if (!newer || newer.refreshToken === refreshToken) {
        throw new Error(
          `Jira site ${site}: the OAuth refresh token was refused; grant access again and set auth.oauth.refreshToken (${
            (error as Error).message
          })`,
        );
      }
      if (newer.accessToken && this.#fresh(newer)) {
        return this.#use(newer);
      }
      answer = await this.#grant(newer.refreshToken, signal);
    }
    if (!answer?.access_token) {
      throw new Error(
        `Jira site ${site}: the OAuth token answer has no access_token`,
      );
    }
    const expiresIn = Number(answer.expires_in ?? 3600);
    // From when the answer came: the lifetime counts from the server's issue.
    const issuedAt = this.#now();
    const token: StoredOAuthToken = {
      seedHash: this.#seedHash,
      // Atlassian always rotates; keep the old one if an answer does not.
      refreshToken: answer.refresh_token || refreshToken,
      accessToken: answer.access_token,
      accessIssuedAt: issuedAt,
      accessExpiresAt:
        issuedAt +
        (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600) * 1000,
    };
    // The old refresh token is dead now: persist the new one before use.
    await store.save(site, token);
    return this.#use(token);
  }

  #use(token: StoredOAuthToken): StoredOAuthToken {
    this.#token = token;
    return token;
  }

  /** The stored chain, unless it began from a refresh token no longer configured. */
  async #currentChain(): Promise<StoredOAuthToken | undefined> {
    const stored = await this.#options.store.load(this.#options.site);
    return stored?.seedHash === this.#seedHash ? stored : undefined;
  }

  async #grant(
    refreshToken: string,
    signal?: AbortSignal,
  ): Promise<TokenAnswer> {
    const { tokenClient, tokenUrl, clientId, clientSecret } = this.#options;
    const response = await tokenClient.json<TokenAnswer>(tokenUrl, {
      method: 'POST',
      anonymous: true,
      body: {
        grant_type: 'refresh_token',
        client_id: clientId,
        client_secret: clientSecret,
        refresh_token: refreshToken,
      },
      signal,
    });
    return response.body;
  }
}
