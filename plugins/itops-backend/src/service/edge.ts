import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, isError } from '@backstage/errors';
import express, {
  type ErrorRequestHandler,
  type RequestHandler,
} from 'express';
import { randomUUID } from 'node:crypto';
import { loggableError } from '../sync/syncErrorMessage';

/**
 * Errors the Backstage error handler turns into their own 4xx (or a
 * deliberate 5xx such as 503): their messages are written for the caller.
 */
const CALLER_ERRORS = new Set([
  'InputError',
  'AuthenticationError',
  'NotAllowedError',
  'NotFoundError',
  'NotModifiedError',
  'ConflictError',
  'NotImplementedError',
  'ServiceUnavailableError',
]);

/**
 * Query values must be strings (or repeated strings). Express parses
 * `priority[$gt]=0` into an object, which would reach the validator and
 * the handlers as something no parameter of this API is.
 */
export const plainQueryValues: RequestHandler = (req, _res, next) => {
  for (const [name, value] of Object.entries(req.query)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.some(v => typeof v !== 'string')) {
      next(
        new InputError(
          `Query parameter '${name}' must be a plain value; brackets such as ${name}[…] are not accepted`,
        ),
      );
      return;
    }
  }
  next();
};

/** `request/query/offset must be <= 100000` → `Query parameter 'offset' must be <= 100000`. */
const VALIDATOR_MESSAGE =
  /^request\/(query|params|body|headers)\/?([^\s]*)\s+(.*)$/s;
const WHERE: Record<string, string> = {
  query: 'Query parameter',
  params: 'Path parameter',
  body: 'Request body field',
  headers: 'Header',
};

function rephrased(message: string): string {
  return (
    message
      // Several failures come joined by ", "; enum lists use ", " too.
      .split(/, (?=request\/)/)
      .map(part => {
        const match = VALIDATOR_MESSAGE.exec(part);
        if (!match) return part;
        const [, where, path, rest] = match;
        const name = path.split('/').filter(Boolean)[0];
        return name
          ? `${WHERE[where]} '${name}' ${rest}`
          : `${
              WHERE[where] === 'Request body field'
                ? 'Request body'
                : WHERE[where]
            } ${rest}`;
      })
      .join('; ')
  );
}

/**
 * One error format for the whole API, and nothing internal in it: errors
 * meant for the caller keep their message (validator messages name the
 * parameter in plain words); anything else (a database error quoting SQL,
 * a bug's stack) is logged in full, masked, and answered as an internal
 * error with a reference to find it in the log.
 */
export function safeErrors(logger: LoggerService): ErrorRequestHandler {
  return (error, _req, _res, next) => {
    if (!isError(error)) {
      next(error);
      return;
    }
    const status =
      (error as { status?: unknown; statusCode?: unknown }).status ??
      (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // express-openapi-validator's own errors: a 400 (or 405/415) whose
      // message is the validator's path syntax.
      const message = rephrased(error.message);
      next(status === 400 ? new InputError(message) : error);
      return;
    }
    if (CALLER_ERRORS.has(error.name)) {
      next(
        error.name === 'InputError' && VALIDATOR_MESSAGE.test(error.message)
          ? new InputError(rephrased(error.message))
          : error,
      );
      return;
    }
    const reference = randomUUID();
    logger.error(
      `ITOps request failed (reference ${reference}): ${loggableError(error)}`,
    );
    next(
      new Error(
        `Internal error; the backend log has the details under reference ${reference}`,
      ),
    );
  };
}

/**
 * The guards every ITOps router sits behind: plain query values before
 * anything reads them, and safe errors after.
 */
export function guarded(
  router: express.Router,
  logger: LoggerService,
): express.Router {
  const outer = express.Router();
  outer.use(plainQueryValues);
  outer.use(router);
  outer.use(safeErrors(logger));
  return outer;
}
