export interface Config {
  itops?: {
    jira?: {
      /** Jira sites by name. */
      sites?: {
        [name: string]: {
          /** Site URL, e.g. `https://acme.atlassian.net`. */
          baseUrl: string;
          /** `cloud` (default) or `datacenter`. */
          deployment?: 'cloud' | 'datacenter';
          auth?: {
            /** Cloud: the account email that owns the API token. */
            email?: string;
            /** @visibility secret */
            apiToken?: string;
            /**
             * Data Center: personal access token.
             * @visibility secret
             */
            personalAccessToken?: string;
          };
        };
      };
    };
  };
}
