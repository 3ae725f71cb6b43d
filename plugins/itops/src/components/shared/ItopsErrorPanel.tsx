import { ResponseError } from '@backstage/errors';
import { WarningPanel } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';

/** Headers a proxy or the backend may name the request by, first found wins. */
const REQUEST_ID_HEADERS = ['x-request-id', 'x-correlation-id', 'traceparent'];

/** What a reader needs to know about a failed ITOps request. */
export interface ItopsErrorDescription {
  /** The backend's own message ("Missing permission itops.incident.read"). */
  message: string;
  statusCode?: number;
  /** E.g. `GET /api/itops/entities/component/default/x/summary`. */
  request?: string;
  requestId?: string;
  /** A 403: the message says which permission is missing. */
  forbidden: boolean;
}

/**
 * Describes an error by what the backend wrote rather than by the client's
 * "Request failed with 403 Forbidden": the body's message, the request and
 * a request id when a header carries one.
 */
export function describeItopsError(error: Error): ItopsErrorDescription {
  if (!ResponseError.is(error)) {
    return { message: error.message, forbidden: false };
  }
  const { body, statusCode, response } = error;
  const requestId = REQUEST_ID_HEADERS.map(name =>
    response.headers?.get(name),
  ).find((value): value is string => Boolean(value));
  return {
    message: body?.error?.message || error.cause?.message || error.message,
    statusCode,
    ...(body?.request
      ? { request: `${body.request.method} ${body.request.url}` }
      : {}),
    ...(requestId ? { requestId } : {}),
    forbidden: statusCode === 403,
  };
}

/** A failed ITOps request, as the backend explained it. */
export function ItopsErrorPanel({ error }: { error: Error }) {
  const described = describeItopsError(error);
  const title = described.forbidden
    ? `Permission needed: ${described.message}`
    : described.message;
  const details = [
    described.statusCode ? `HTTP ${described.statusCode}` : undefined,
    described.request,
    described.requestId ? `request id ${described.requestId}` : undefined,
  ].filter(Boolean);
  return (
    <WarningPanel
      severity={described.forbidden ? 'info' : 'error'}
      title={title}
      defaultExpanded
    >
      <Typography variant="body2">
        {described.forbidden
          ? 'Ask your Backstage administrator for this permission.'
          : 'The ITOps backend could not answer; try again, or give your Backstage administrator these details.'}
      </Typography>
      {details.length > 0 && (
        <Typography variant="body2" component="p" aria-label="Error details">
          {details.join(' · ')}
        </Typography>
      )}
    </WarningPanel>
  );
}
