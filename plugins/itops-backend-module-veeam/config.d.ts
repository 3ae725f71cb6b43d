export interface Config {
  itops?: {
    veeam?: {
      /** Veeam Backup & Replication servers by name; several can be synced at once. */
      servers?: {
        [name: string]: {
          /** REST API URL, e.g. `https://vbr.acme.example:9419`. */
          baseUrl: string;
          /**
           * REST API revision sent as `x-api-version` on every request,
           * e.g. `1.2-rev1` (VBR 12.3) or `1.3-rev0` (VBR 13). Default
           * `1.2-rev1`. Paths and job type names follow it.
           */
          apiVersion?: string;
          /** A user with a built-in role (custom roles cannot sign in to the REST API). */
          username: string;
          /** @visibility secret */
          password: string;
          /** Page size (`limit`) of list requests. Default 200. */
          pageSize?: number;
          /** Days of sessions a full sync reads; older runs are removed. Default 60. */
          historyDays?: number;
          /**
           * Session types read as restore tests. Default
           * `[SureBackup, InstantRecovery]`.
           */
          restoreTestSessionTypes?: string[];
          /** Request policy, as for every ITOps source. */
          http?: {
            maxConcurrency?: number;
            requestsPerSecond?: number;
            /**
             * Per attempt, from connecting to the last byte of the answer; caps
             * every stage of `timeouts`. Default 30.
             */
            timeoutSeconds?: number;
            /** Separate bounds for the stages of one attempt, in seconds. */
            timeouts?: {
              /** Opening the connection, TLS handshake included. Default 10. */
              connectSeconds?: number;
              /** From sending the request to the answer's headers. Default: timeoutSeconds. */
              headersSeconds?: number;
              /** Longest pause within the answer's body. Default: timeoutSeconds. */
              bodySeconds?: number;
            };
            /**
             * Largest answer read, in MiB after decompression; a larger one fails
             * the request unread. Default 64.
             */
            maxResponseMegabytes?: number;
            retry?: {
              maxAttempts?: number;
              baseDelayMs?: number;
              maxDelayMs?: number;
            };
          };
          /**
           * TLS of the backup server, which often has a self-signed
           * certificate: give its CA, or (explicit opt-in) turn
           * verification off. Verification is on by default.
           */
          tls?: {
            rejectUnauthorized?: boolean;
            /** PEM of the CA that signed the server's certificate. */
            ca?: string;
          };
        };
      };
    };
  };
}
