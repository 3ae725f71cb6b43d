import type { SimRequest } from '../types';
import type { Deployment } from './render';
import { accountIdFor, type SiteUser } from './site';

/**
 * Authentication as Jira does it: Cloud takes Basic `email:api-token`;
 * Data Center takes a personal access token as Bearer, or Basic
 * `username:password`.
 *
 * `expireAllTokens()` revokes the API token and the PATs at once, as when
 * an admin revokes them: requests with the old ones get 401 from then on.
 * Each secret gets a replacement (`<old>-r<n>`), readable through
 * `credentials()`, so a test or operator can reconfigure its client and go on.
 * Basic passwords on Data Center are not tokens and stay valid.
 */

export interface JiraCredentials {
  /** Cloud Basic user; default `itops@acme.example`. */
  email: string;
  /** Cloud Basic API token; default `jira-api-token`. */
  apiToken: string;
  /** Data Center Bearer PAT; default `jira-dc-pat`. */
  personalAccessToken: string;
  /** Data Center Basic user; default `itops`. */
  username: string;
  /** Data Center Basic password; default `jira-password`. */
  password: string;
}

export const DEFAULT_CREDENTIALS: JiraCredentials = {
  email: 'itops@acme.example',
  apiToken: 'jira-api-token',
  personalAccessToken: 'jira-dc-pat',
  username: 'itops',
  password: 'jira-password',
};

export class Authenticator {
  readonly #deployment: Deployment;
  readonly #initial: JiraCredentials;
  #current: JiraCredentials;
  #rotations = 0;
  /** The integration user the credentials belong to. */
  readonly user: SiteUser;

  constructor(
    seed: number,
    deployment: Deployment,
    credentials: Partial<JiraCredentials> = {},
  ) {
    this.#deployment = deployment;
    this.#initial = { ...DEFAULT_CREDENTIALS, ...credentials };
    this.#current = this.#initial;
    this.user = {
      accountId: accountIdFor(seed, this.#initial.email),
      userName: this.#initial.username,
      displayName: 'ITOps Integration',
      email: this.#initial.email,
    };
  }

  credentials(): JiraCredentials {
    return { ...this.#current };
  }

  expireAll(): void {
    this.#rotations++;
    this.#current = {
      ...this.#current,
      apiToken: `${this.#initial.apiToken}-r${this.#rotations}`,
      personalAccessToken: `${this.#initial.personalAccessToken}-r${
        this.#rotations
      }`,
    };
  }

  /**
   * Whether the request carries valid credentials for this deployment;
   * on Cloud a Bearer token is an OAuth access token, checked by `bearer`.
   */
  authenticate(
    request: SimRequest,
    bearer: (token: string) => boolean = () => false,
  ): boolean {
    const header = request.headers.authorization ?? '';
    const [scheme, value = ''] = header.split(/\s+/, 2);
    const current = this.#current;
    if (/^basic$/i.test(scheme)) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = decoded.slice(0, colon);
      const secret = decoded.slice(colon + 1);
      return this.#deployment === 'cloud'
        ? colon > 0 &&
            user.toLowerCase() === current.email.toLowerCase() &&
            secret === current.apiToken
        : colon > 0 && user === current.username && secret === current.password;
    }
    if (/^bearer$/i.test(scheme)) {
      return this.#deployment === 'datacenter'
        ? value === current.personalAccessToken
        : bearer(value);
    }
    return false;
  }
}
