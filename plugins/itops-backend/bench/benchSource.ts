import { createBackendModule } from '@backstage/backend-plugin-api';
import type {
  ItopsCapability,
  ItopsRecordsByCapability,
} from '@backstage-itops/plugin-itops-common';
import {
  type ItopsSource,
  itopsSourcesExtensionPoint,
} from '@backstage-itops/plugin-itops-node';

/** Per capability, a generator of record batches. */
export type BenchGenerators = {
  [C in ItopsCapability]?: () => Generator<ItopsRecordsByCapability[C][]>;
};

/** A synthetic source whose readers stream the given batches, as a source module would yield pages. */
export function benchSource(generators: BenchGenerators): ItopsSource {
  const readers = Object.fromEntries(
    Object.entries(generators).map(([capability, generate]) => [
      capability,
      {
        async *read() {
          for (const records of (generate as () => Generator<unknown[]>)()) {
            yield { records };
          }
        },
      },
    ]),
  );
  return {
    type: 'bench',
    instance: 'synthetic',
    baseUrl: 'http://127.0.0.1',
    readers,
  };
}

/** A backend module registering {@link benchSource}. */
export function benchSourceModule(
  moduleId: string,
  generators: BenchGenerators,
) {
  return createBackendModule({
    pluginId: 'itops',
    moduleId,
    register(reg) {
      reg.registerInit({
        deps: { sources: itopsSourcesExtensionPoint },
        async init({ sources }) {
          sources.addSource(benchSource(generators));
        },
      });
    },
  });
}
