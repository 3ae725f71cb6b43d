import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../world/clock';
import { formatVeeamDate } from './dates';
import { VeeamError, badRequest } from './errors';

export interface Credentials {
  username: string;
  password: string;
}

export const DEFAULT_CREDENTIALS: Credentials = {
  username: 'itops',
  password: 'veeam-password',
};

const DEFAULT_ACCESS_SECONDS = 900;
const REFRESH_SECONDS = 14 * 24 * 3600;
/** `use_short_term_refresh=true`: refresh token outlives the access token by 15 min. */
const SHORT_TERM_EXTRA_SECONDS = 15 * 60;

export interface Grant {
  username: string;
  accessToken: string;
  accessExpires: number;
  refreshToken: string;
  refreshExpires: number;
}

/**
 * The OAuth2 token endpoint of VBR: password and refresh_token grants,
 * rotating refresh tokens and logout. Tokens look like the JWTs VBR issues
 * (clients sometimes decode `exp`) but are only checked against this store.
 */
export class TokenStore {
  readonly #clock: Clock;
  readonly #credentials: Credentials;
  readonly #accessSeconds: number;
  readonly #byAccess = new Map<string, Grant>();
  readonly #byRefresh = new Map<string, Grant>();
  #issued = 0;

  constructor(options: {
    clock: Clock;
    credentials?: Credentials;
    accessSeconds?: number;
  }) {
    this.#clock = options.clock;
    this.#credentials = options.credentials ?? DEFAULT_CREDENTIALS;
    this.#accessSeconds = options.accessSeconds ?? DEFAULT_ACCESS_SECONDS;
  }

  get issuedCount(): number {
    return this.#issued;
  }

  /** Handles a form-encoded `POST /api/oauth2/token` body. */
  grant(form: URLSearchParams): Record<string, unknown> {
    const grantType = form.get('grant_type');
    if (grantType === 'password') {
      const username = form.get('username') ?? '';
      if (
        username.toLowerCase() !== this.#credentials.username.toLowerCase() ||
        form.get('password') !== this.#credentials.password
      ) {
        throw new VeeamError(
          401,
          'AccessDenied',
          'Failed to log in: the user name or password is incorrect.',
        );
      }
      return this.#issue(
        username,
        form.get('use_short_term_refresh') === 'true',
      );
    }
    if (grantType === 'refresh_token') {
      const previous = this.#byRefresh.get(form.get('refresh_token') ?? '');
      if (!previous) {
        throw new VeeamError(
          401,
          'InvalidToken',
          'The refresh token is invalid.',
        );
      }
      // Rotation: a refresh token is good for one exchange only.
      this.#byRefresh.delete(previous.refreshToken);
      if (previous.refreshExpires <= this.#now()) {
        throw new VeeamError(
          401,
          'ExpiredToken',
          'The refresh token has expired.',
        );
      }
      return this.#issue(previous.username, false);
    }
    if (!grantType) {
      throw badRequest('The grant_type parameter is required.');
    }
    throw badRequest(`Grant type '${grantType}' is not supported.`);
  }

  /** Checks an `Authorization` header; throws the 401 VBR would send. */
  authenticate(header: string | undefined): Grant {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) {
      throw new VeeamError(
        401,
        'AccessDenied',
        'Authorization has been denied for this request.',
      );
    }
    const grant = this.#byAccess.get(match[1]);
    if (!grant) {
      throw new VeeamError(401, 'InvalidToken', 'The access token is invalid.');
    }
    if (grant.accessExpires <= this.#now()) {
      throw new VeeamError(
        401,
        'ExpiredToken',
        'The access token has expired.',
      );
    }
    return grant;
  }

  logout(grant: Grant): void {
    this.#byAccess.delete(grant.accessToken);
    this.#byRefresh.delete(grant.refreshToken);
  }

  /** Fault injection: access tokens die early; refresh tokens still work. */
  expireAll(): void {
    const now = this.#now();
    for (const grant of this.#byAccess.values()) {
      grant.accessExpires = Math.min(grant.accessExpires, now);
    }
  }

  #issue(username: string, shortTermRefresh: boolean): Record<string, unknown> {
    const issued = this.#now();
    const refreshSeconds = shortTermRefresh
      ? this.#accessSeconds + SHORT_TERM_EXTRA_SECONDS
      : REFRESH_SECONDS;
    const grant: Grant = {
      username,
      accessToken: fakeJwt(username, issued, this.#accessSeconds),
      accessExpires: issued + this.#accessSeconds * 1000,
      refreshToken: fakeJwt(username, issued, refreshSeconds),
      refreshExpires: issued + refreshSeconds * 1000,
    };
    this.#byAccess.set(grant.accessToken, grant);
    this.#byRefresh.set(grant.refreshToken, grant);
    this.#issued++;
    return {
      access_token: grant.accessToken,
      token_type: 'bearer',
      refresh_token: grant.refreshToken,
      expires_in: this.#accessSeconds,
      '.issued': formatVeeamDate(issued),
      '.expires': formatVeeamDate(grant.accessExpires),
      username,
    };
  }

  #now(): number {
    return this.#clock.now().getTime();
  }
}

function fakeJwt(
  username: string,
  issuedMs: number,
  lifetimeSeconds: number,
): string {
  const encode = (value: unknown) =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = Math.floor(issuedMs / 1000);
  const header = encode({ alg: 'RS512', typ: 'JWT' });
  const payload = encode({
    unique_name: username,
    token_id: randomUUID(),
    nbf: iat,
    exp: iat + lifetimeSeconds,
    iat,
  });
  return `${header}.${payload}.${randomBytes(64).toString('base64url')}`;
}
