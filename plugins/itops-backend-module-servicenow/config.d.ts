export interface Config {
  itops?: {
    servicenow?: {
      /** ServiceNow instances by name, e.g. `production`, `emea`. */
      instances?: {
        [name: string]: {
          /** Instance URL, e.g. `https://acme.service-now.com`. */
          baseUrl: string;
          /** Basic auth or OAuth credentials of the integration user. */
          auth?: {
            username?: string;
            /** @visibility secret */
            password?: string;
            clientId?: string;
            /** @visibility secret */
            clientSecret?: string;
          };
        };
      };
    };
  };
}
