import type { NextFunction, Request, Response } from 'express';
import type { Authenticator } from './authenticator';

/**
 * The OpenAPI pages are served by Swagger's own Express routes, outside Nest's guards, so they get the same
 * check here: an allowed address and a valid key.
 */
export function docsAccess(authenticator: Authenticator) {
  return (req: Request, res: Response, next: NextFunction): void => {
    authenticator.authenticate(req).then(
      (auth) => {
        if (auth.ok) return next();
        res.status(auth.status).json({ statusCode: auth.status, error: auth.status === 401 ? 'Unauthorized' : 'Forbidden', message: auth.message });
      },
      (e: unknown) => next(e),
    );
  };
}
