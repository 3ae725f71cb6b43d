import type { SimRequest, SimResponse, SystemSimulator } from '../types';
import type { SystemFaults } from './fault-state';

export const ADMIN_PREFIX = '/__admin/';

function json(status: number, body: unknown): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body, null, 2),
  };
}

/**
 * The admin endpoint on each system's port, without authentication:
 * `GET|PUT /__admin/faults`, `GET /__admin/stats`, `POST /__admin/reset`.
 */
export function handleAdmin(
  request: SimRequest,
  simulator: SystemSimulator,
  faults: SystemFaults,
): SimResponse {
  const route = `${request.method} ${request.url.pathname}`;
  switch (route) {
    case 'GET /__admin/faults':
      return json(200, { system: simulator.system, faults: faults.config });
    case 'PUT /__admin/faults':
      try {
        faults.set(JSON.parse(request.body || '{}'));
      } catch (error) {
        return json(400, { error: (error as Error).message });
      }
      return json(200, { system: simulator.system, faults: faults.config });
    case 'GET /__admin/stats':
      return json(200, {
        system: simulator.system,
        ...faults.stats(),
        simulator: simulator.stats(),
      });
    case 'POST /__admin/reset':
      faults.reset();
      return json(200, { system: simulator.system, faults: faults.config });
    default:
      return json(404, {
        error: `No admin route ${route}; try GET|PUT /__admin/faults, GET /__admin/stats, POST /__admin/reset`,
      });
  }
}
