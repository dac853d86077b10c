import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from '@app/observability';
import { isDatabaseUnavailable } from '@app/persistence';
import { LOGGER } from '@app/platform';

/** Postgres refused a value of the request (data exception, class 22: e.g. NUL in text, a malformed value). */
function isValueRefused(e: unknown): boolean {
  const code = (e as { code?: unknown; driverError?: { code?: unknown } } | null)?.code ?? (e as { driverError?: { code?: unknown } } | null)?.driverError?.code;
  return typeof code === 'string' && code.startsWith('22');
}

/** An error Express or a body parser raised with a client status (e.g. a path that cannot be decoded). */
function clientError(e: unknown): { status: number; message: string } | null {
  const err = e as { status?: unknown; statusCode?: unknown; message?: unknown } | null;
  const status = typeof err?.status === 'number' ? err.status : typeof err?.statusCode === 'number' ? err.statusCode : null;
  if (status === null || status < 400 || status > 499) return null;
  return { status, message: typeof err?.message === 'string' ? err.message.slice(0, 300) : 'the request could not be read' };
}

/**
 * Every error leaves as `{ statusCode, error, message }` with one readable message. Anything unexpected is a
 * 500 with a log line; it never ends the process.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    let status = HttpStatus.INTERNAL_SERVER_ERROR;
    let message = 'internal error; the request was not completed';
    const client = clientError(exception);
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      const body = exception.getResponse();
      const m = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      message = Array.isArray(m) ? m.join('; ') : typeof m === 'string' ? m : exception.message;
    } else if (client) {
      ({ status, message } = client);
    } else if (isValueRefused(exception)) {
      status = HttpStatus.BAD_REQUEST;
      message = 'the request holds a value that cannot be looked up (e.g. a NUL character)';
    } else if (isDatabaseUnavailable(exception)) {
      status = HttpStatus.SERVICE_UNAVAILABLE;
      message = 'the status database is not reachable right now; deliveries go on, try the status again shortly';
    } else {
      const e = exception as Error | null;
      this.logger.error({ 'error.message': e?.message, 'error.stack_trace': e?.stack, 'http.request.method': req.method, 'url.path': req.path }, 'unhandled error');
    }
    if (res.headersSent) return;
    res.status(status).json({ statusCode: status, error: reasonPhrase(status), message });
  }
}

function reasonPhrase(status: number): string {
  const name = Object.entries(HttpStatus).find(([, v]) => Number(v) === status)?.[0] ?? 'ERROR';
  return name
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}
