import { randomBytes } from 'node:crypto';
import type { SimRequest, SimResponse } from '../types';
import { json } from './responses';

/**
 * Atlassian's OAuth 2.0 (3LO) token endpoint, `POST /oauth/token` with a
 * JSON body (source-apis.md §2.2): the refresh grant answers a new access
 * token and a new refresh token, and the refresh token used is dead from
 * then on. Access tokens are accepted as Bearer on the API gateway paths
 * (`/ex/jira/{cloudId}/…`, `/jsm/ops/api/{cloudId}/…`).
 */

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  /** The refresh token a consent flow gave; valid for one refresh. */
  refreshToken: string;
}

export const DEFAULT_OAUTH_APP: OAuthApp = {
  clientId: 'itops-jira-app',
  clientSecret: 'itops-jira-secret',
  refreshToken: 'jira-consent-refresh-token',
};

/** Switches of the token endpoint. */
export interface OAuthOptions {
  app?: Partial<OAuthApp>;
  /** Lifetime of access tokens; Atlassian's is 3600 s. `5` for the short-lived switch. */
  accessTokenSeconds?: number;
  /**
   * The first `count` token requests answer 429, with `Retry-After:
   * retryAfterSeconds` when set, without any when not (both happen).
   * Refused requests leave the refresh token valid.
   */
  tokenRateLimit?: { count: number; retryAfterSeconds?: number };
}

export class OAuthIssuer {
  readonly app: OAuthApp;
  readonly #lifetimeMs: number;
  readonly #refusals: { count: number; retryAfterSeconds?: number };
  readonly #refreshTokens = new Set<string>();
  /** Access token → expiry (epoch ms). */
  readonly #accessTokens = new Map<string, number>();
  /** Token requests answered, refused ones included. */
  tokenRequests = 0;
  rateLimitedTokenRequests = 0;

  constructor(options: OAuthOptions = {}) {
    this.app = { ...DEFAULT_OAUTH_APP, ...options.app };
    this.#lifetimeMs = (options.accessTokenSeconds ?? 3600) * 1000;
    this.#refusals = { ...(options.tokenRateLimit ?? { count: 0 }) };
    this.#refreshTokens.add(this.app.refreshToken);
  }

  /** Whether a Bearer access token is valid at `now`. */
  accepts(accessToken: string, now: number): boolean {
    const expiresAt = this.#accessTokens.get(accessToken);
    return expiresAt !== undefined && now < expiresAt;
  }

  /** Revokes every access token (refresh tokens stay valid). */
  expireAccessTokens(): void {
    this.#accessTokens.clear();
  }

  handleToken(request: SimRequest, now: number): SimResponse {
    this.tokenRequests++;
    if (request.method !== 'POST') {
      return json(405, { error: 'method_not_allowed' });
    }
    if (this.#refusals.count > 0) {
      this.#refusals.count--;
      this.rateLimitedTokenRequests++;
      const retryAfter = this.#refusals.retryAfterSeconds;
      return json(
        429,
        { error: 'too_many_requests', error_description: 'Rate limited' },
        retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) },
      );
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body || '{}');
    } catch {
      return json(400, {
        error: 'invalid_request',
        error_description: 'The body must be JSON.',
      });
    }
    if (
      body.client_id !== this.app.clientId ||
      body.client_secret !== this.app.clientSecret
    ) {
      return json(401, {
        error: 'access_denied',
        error_description: 'Unauthorized',
      });
    }
    if (body.grant_type !== 'refresh_token') {
      return json(400, {
        error: 'unsupported_grant_type',
        error_description: 'Only refresh_token is served here.',
      });
    }
    const refreshToken = String(body.refresh_token ?? '');
    if (!this.#refreshTokens.delete(refreshToken)) {
      return json(403, {
        error: 'invalid_grant',
        error_description: 'Unknown or invalid refresh token.',
      });
    }
    const next = `rt-${randomBytes(12).toString('hex')}`;
    const access = `at-${randomBytes(12).toString('hex')}`;
    this.#refreshTokens.add(next);
    this.#accessTokens.set(access, now + this.#lifetimeMs);
    return json(200, {
      access_token: access,
      refresh_token: next,
      expires_in: Math.round(this.#lifetimeMs / 1000),
      scope:
        'read:jira-work read:servicedesk-request read:ops-config:jira-service-management read:jira-user offline_access',
      token_type: 'Bearer',
    });
  }
}
