import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from '@app/observability';
import { isDatabaseUnavailable } from '@app/persistence';
import { LOGGER } from '@app/platform';

/** Every error leaves as `{ statusCode, error, message }` with one readable message. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    let status = HttpStatus.INTERNAL_SERVER_ERROR;
    let message = 'internal error; the request was not completed';
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      const body = exception.getResponse();
      const m = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      message = Array.isArray(m) ? m.join('; ') : typeof m === 'string' ? m : exception.message;
    } else if (isDatabaseUnavailable(exception)) {
      status = HttpStatus.SERVICE_UNAVAILABLE;
      message = 'the status database is not reachable right now; deliveries go on, try the status again shortly';
    } else {
      this.logger.error({ 'error.message': (exception as Error)?.message, 'error.stack_trace': (exception as Error)?.stack }, 'unhandled error');
    }
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
