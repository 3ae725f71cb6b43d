import type { Config } from '@backstage/config';

/**
 * Reads the named instances of one source type, e.g.
 * `itops.servicenow.instances.<name>`, so that every module reads its config
 * the same way. Returns an empty list when the source is not configured.
 *
 * @public
 */
export function readSourceInstances(
  config: Config,
  path: string,
): Array<{ name: string; config: Config }> {
  const instances = config.getOptionalConfig(path);
  if (!instances) {
    return [];
  }
  return instances.keys().map(name => ({
    name,
    config: instances.getConfig(name),
  }));
}
