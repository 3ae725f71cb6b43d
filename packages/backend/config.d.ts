export interface Config {
  itops?: {
    /** Restrictions applied by the demo backend's permission policy. */
    permissions?: {
      /**
       * Permissions (exact names, or prefixes ending in `*`, e.g.
       * `itops.incident.*`) that only the listed users or groups may use.
       * Everything not listed is allowed.
       */
      restrict?: Array<{
        permission: string;
        /** Entity refs, e.g. `group:default/platform-sre`. */
        allow: string[];
      }>;
    };
  };
}
