import type {
  AuditorService,
  AuditorServiceEventSeverityLevel,
} from '@backstage/backend-plugin-api';
import type { Request } from 'express';

/**
 * Runs a privileged action as one auditor event: the actor comes from the
 * request, the target from `meta`; the event records success or the error.
 */
export async function audited<T>(
  auditor: AuditorService,
  req: Request<any, any, any, any>,
  event: {
    eventId: string;
    severityLevel: AuditorServiceEventSeverityLevel;
    meta: Record<string, string>;
  },
  action: () => Promise<T>,
): Promise<T> {
  const audit = await auditor.createEvent({ ...event, request: req });
  try {
    const result = await action();
    await audit.success();
    return result;
  } catch (error) {
    await audit.fail({ error: error as Error });
    throw error;
  }
}
