import { randomBytes } from 'node:crypto';
import type { Clock } from '../world/clock';
import type { SimRequest, SimResponse } from '../types';
import { jsonResponse } from './responses';

export interface OAuthClient {
  secret: string;
  /** The "OAuth Application User" that client_credentials tokens act as. */
  user: string;
}

export interface ServiceNowAuthOptions {
  /** user_name → password for Basic auth and the password grant. */
  users?: Record<string, string>;
  /** client_id → client. */
  oauthClients?: Record<string, OAuthClient>;
  /** Access-token lifetime; ServiceNow's default is 1800 s. */
  tokenLifetimeSeconds?: number;
  /** Refresh-token lifetime; ServiceNow's default is 100 days. */
  refreshTokenLifetimeSeconds?: number;
}

export const DEFAULT_USERS: Readonly<Record<string, string>> = {
  admin: 'admin',
  'itops.integration': 'sn-demo-4f7c1a',
};

export const DEFAULT_OAUTH_CLIENTS: Readonly<Record<string, OAuthClient>> = {
  'itops-backstage': { secret: 'itops-secret', user: 'itops.integration' },
};

interface IssuedToken {
  user: string;
  clientId: string;
  expiresAt: number;
}

/** Basic auth and the inbound OAuth token endpoint (`/oauth_token.do`). */
export class ServiceNowAuth {
  readonly #users: Record<string, string>;
  readonly #clients: Record<string, OAuthClient>;
  readonly #lifetime: number;
  readonly #refreshLifetime: number;
  readonly #clock: Clock;
  readonly #accessTokens = new Map<string, IssuedToken>();
  readonly #refreshTokens = new Map<string, IssuedToken>();

  constructor(clock: Clock, options: ServiceNowAuthOptions = {}) {
    this.#clock = clock;
    this.#users = options.users ?? { ...DEFAULT_USERS };
    this.#clients = options.oauthClients ?? { ...DEFAULT_OAUTH_CLIENTS };
    this.#lifetime = options.tokenLifetimeSeconds ?? 1800;
    this.#refreshLifetime = options.refreshTokenLifetimeSeconds ?? 8_640_000;
  }

  /** The user a request acts as, or undefined when it must be refused with 401. */
  authenticate(request: SimRequest): string | undefined {
    const header = request.headers.authorization ?? '';
    const [scheme, credentials = ''] = header.split(' ', 2);
    if (scheme.toLowerCase() === 'basic') {
      const [user, password] = decodeBasic(credentials);
      return user !== undefined && this.#users[user] === password
        ? user
        : undefined;
    }
    if (scheme.toLowerCase() === 'bearer') {
      const token = this.#accessTokens.get(credentials);
      return token && token.expiresAt > this.#now() ? token.user : undefined;
    }
    return undefined;
  }

  /** `POST /oauth_token.do` with a form-encoded body. */
  token(request: SimRequest): SimResponse {
    const form = new URLSearchParams(request.body);
    // Clients may send their credentials as Basic auth instead of in the form.
    const [basicId, basicSecret] = request.headers.authorization?.startsWith(
      'Basic ',
    )
      ? decodeBasic(request.headers.authorization.slice(6))
      : [];
    const clientId = form.get('client_id') ?? basicId ?? '';
    const secret = form.get('client_secret') ?? basicSecret;
    const client = this.#clients[clientId];
    if (request.method !== 'POST' || !client || client.secret !== secret) {
      return denied();
    }
    switch (form.get('grant_type')) {
      case 'password': {
        const user = form.get('username') ?? '';
        if (
          this.#users[user] === undefined ||
          this.#users[user] !== form.get('password')
        ) {
          return denied();
        }
        return this.#issue(user, clientId, true);
      }
      case 'client_credentials':
        return this.#issue(client.user, clientId, false);
      case 'refresh_token': {
        const refresh = form.get('refresh_token') ?? '';
        const issued = this.#refreshTokens.get(refresh);
        if (
          !issued ||
          issued.clientId !== clientId ||
          issued.expiresAt <= this.#now()
        ) {
          return denied();
        }
        return this.#issue(issued.user, clientId, false, refresh);
      }
      default:
        return denied();
    }
  }

  /** Every issued access token stops working; refresh tokens stay valid. */
  expireAll(): void {
    this.#accessTokens.clear();
  }

  #issue(
    user: string,
    clientId: string,
    withRefresh: boolean,
    existingRefresh?: string,
  ): SimResponse {
    const accessToken = randomBytes(32).toString('base64url');
    const now = this.#now();
    this.#accessTokens.set(accessToken, {
      user,
      clientId,
      expiresAt: now + this.#lifetime * 1000,
    });
    let refreshToken = existingRefresh;
    if (withRefresh) {
      refreshToken = randomBytes(32).toString('base64url');
      this.#refreshTokens.set(refreshToken, {
        user,
        clientId,
        expiresAt: now + this.#refreshLifetime * 1000,
      });
    }
    return jsonResponse(200, {
      access_token: accessToken,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      scope: 'useraccount',
      token_type: 'Bearer',
      // A real instance answers one second short of the configured lifetime.
      expires_in: this.#lifetime - 1,
    });
  }

  #now(): number {
    return this.#clock.now().getTime();
  }
}

function decodeBasic(credentials: string): [string?, string?] {
  const text = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? [] : [text.slice(0, colon), text.slice(colon + 1)];
}

/** ServiceNow's opaque answer to every failed token request. */
function denied(): SimResponse {
  return jsonResponse(401, {
    error_description: 'access_denied',
    error: 'server_error',
  });
}
