export interface Config {
  itops?: {
    veeam?: {
      /** Veeam Backup & Replication servers by name. */
      servers?: {
        [name: string]: {
          /** REST API URL, e.g. `https://vbr.acme.example:9419`. */
          baseUrl: string;
          /** Value of the `x-api-version` header, e.g. `1.2-rev1`. */
          apiVersion?: string;
          username?: string;
          /** @visibility secret */
          password?: string;
        };
      };
    };
  };
}
