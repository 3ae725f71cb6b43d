import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  isRetryableStatus,
  type SourceAuth,
  type SourceHttpClient,
  SourceRequestError,
} from '@backstage-itops/plugin-itops-node';

const TOKEN_PATH = '/api/oauth2/token';
const LOGOUT_PATH = '/api/oauth2/logout';
/**
 * Share of the access token's life after which it is renewed ahead of
 * expiry, so that a request never leaves with a token about to die on the
 * way (VBR's tokens live 900 s: renewed after 720 s).
 */
const RENEW_AT_LIFETIME_SHARE = 0.8;

/**
 * A 401 arriving this soon after a 401-caused renewal came from a request
 * that left with the old token; it is retried with the new one rather than
 * renewing again.
 */
const RENEWAL_GRACE_MS = 1000;

/** VBR's `TokenModel`; `.issued`/`.expires` are ignored in favour of our own clock. */
interface TokenModel {
  access_token: string;
  refresh_token: string;
  token_type?: string;
  expires_in: number;
}

interface Token {
  accessToken: string;
  refreshToken: string;
  renewAt: number;
}

export interface VeeamAuthOptions {
  /** Client for the token endpoint; sends `x-api-version` as a default header. */
  http: SourceHttpClient;
  username: string;
  password: string;
  logger?: LoggerService;
  /** For tests. */
  now?: () => number;
}

/**
 * OAuth2 password grant against VBR's `/api/oauth2/token`, kept fresh with
 * the refresh grant before the access token expires, renewed once after a
 * 401 by the shared client, and given back with `/api/oauth2/logout` on
 * shutdown. Concurrent requests share one token request. Tokens and the
 * password never reach a log line or an error message.
 */
export class VeeamAuth implements SourceAuth {
  readonly #http: SourceHttpClient;
  readonly #username: string;
  readonly #password: string;
  readonly #logger?: LoggerService;
  readonly #now: () => number;
  #token?: Token;
  #pending?: Promise<Token>;
  /** Real (not injected) time of the last renewal a 401 caused. */
  #renewedAfter401At?: number;

  constructor(options: VeeamAuthOptions) {
    this.#http = options.http;
    this.#username = options.username;
    this.#password = options.password;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
  }

  async headers(signal?: AbortSignal): Promise<Record<string, string>> {
    const token =
      this.#token && this.#now() < this.#token.renewAt
        ? this.#token
        : await this.#renew(signal);
    return { authorization: `Bearer ${token.accessToken}` };
  }

  /**
   * Called by the shared client after a 401: the token died early (revoked,
   * server restarted, clocks apart). Requests that were refused together
   * renew once: those arriving while the renewal runs wait for it, and
   * those arriving just after it use its token.
   *
   * A renewal that meets a transient answer (429 or 5xx after the token
   * request's own retries, a network failure) does not end the request: the
   * refused token is dropped, so the request's next attempt renews again
   * from within its own retries, with their backoff, as a proactive renewal
   * would. Only a refused login is thrown from here.
   */
  async refresh(signal?: AbortSignal): Promise<void> {
    if (this.#pending) {
      await this.#settle(this.#pending);
      return;
    }
    if (
      this.#token &&
      this.#renewedAfter401At !== undefined &&
      performance.now() - this.#renewedAfter401At < RENEWAL_GRACE_MS
    ) {
      return;
    }
    if (this.#token) {
      // Dead whatever happens next; its refresh token may still serve.
      this.#token = { ...this.#token, renewAt: -Infinity };
    }
    if (await this.#settle(this.#renew(signal))) {
      this.#renewedAfter401At = performance.now();
    }
  }

  /** Waits for a renewal; true when it succeeded, false when it failed transiently. */
  async #settle(renewal: Promise<Token>): Promise<boolean> {
    try {
      await renewal;
      return true;
    } catch (error) {
      if (!isTransient(error)) {
        throw error;
      }
      this.#logger?.warn(
        `Veeam token renewal of ${
          this.#http.name
        } after a 401 failed for now; the request renews again when it retries: ${describeError(
          error,
        )}`,
      );
      return false;
    }
  }

  /** Ends the session on the server (both tokens invalidated); never throws. */
  async logout(): Promise<void> {
    const token = this.#token;
    this.#token = undefined;
    if (!token) {
      return;
    }
    try {
      await this.#http.json(LOGOUT_PATH, {
        method: 'POST',
        anonymous: true,
        headers: { authorization: `Bearer ${token.accessToken}` },
        body: '',
      });
    } catch (error) {
      this.#logger?.warn(
        `Veeam logout of ${this.#http.name} failed: ${describeError(error)}`,
      );
    }
  }

  #renew(signal?: AbortSignal): Promise<Token> {
    if (!this.#pending) {
      const refreshToken = this.#token?.refreshToken;
      this.#pending = this.#obtain(refreshToken, signal)
        .then(token => {
          this.#token = token;
          return token;
        })
        .finally(() => {
          this.#pending = undefined;
        });
    }
    return this.#pending;
  }

  async #obtain(
    refreshToken: string | undefined,
    signal?: AbortSignal,
  ): Promise<Token> {
    if (refreshToken) {
      try {
        return await this.#grant(
          { grant_type: 'refresh_token', refresh_token: refreshToken },
          signal,
        );
      } catch (error) {
        // A refresh token is single-use and lives 14 days; when it is gone
        // (rotated by another client, server restored) log in again.
        if (!(error instanceof SourceRequestError && isAuthStatus(error))) {
          throw error;
        }
        this.#logger?.info(
          `Veeam refresh token of ${
            this.#http.name
          } was refused; logging in again`,
        );
      }
    }
    return this.#grant(
      {
        grant_type: 'password',
        username: this.#username,
        password: this.#password,
      },
      signal,
    );
  }

  async #grant(
    form: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Token> {
    const requestedAt = this.#now();
    const { body } = await this.#http.json<TokenModel>(TOKEN_PATH, {
      method: 'POST',
      anonymous: true,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      signal,
    });
    if (!body?.access_token || !body.refresh_token) {
      throw new Error(
        `Veeam token answer of ${
          this.#http.name
        } has no access or refresh token`,
      );
    }
    const lifetimeMs = (Number(body.expires_in) || 900) * 1000;
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      renewAt: requestedAt + lifetimeMs * RENEW_AT_LIFETIME_SHARE,
    };
  }
}

/** A failure that may pass: 429/502/503/504 after retries, or no answer at all. */
function isTransient(error: unknown): boolean {
  return (
    error instanceof SourceRequestError &&
    (error.status === undefined || isRetryableStatus(error.status))
  );
}

function isAuthStatus(error: SourceRequestError): boolean {
  return error.status === 400 || error.status === 401 || error.status === 403;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
