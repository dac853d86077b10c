import { createServer, Server } from 'node:http';
import { Registry } from 'prom-client';

/** `degraded`: working, but something needs an operator (e.g. subscriptions whose secrets cannot be opened). */
export type CheckState = 'up' | 'down' | 'degraded';
export type HealthCheck = () => Promise<Record<string, CheckState>>;

/** 200 `ok` when every check is up, 200 `degraded` when some are degraded and none down, else 503. */
export function healthAnswer(checks: Record<string, CheckState>): { code: number; body: { status: 'ok' | 'degraded' | 'unavailable'; checks: Record<string, CheckState> } } {
  const states = Object.values(checks);
  if (states.includes('down')) return { code: 503, body: { status: 'unavailable', checks } };
  return { code: 200, body: { status: states.includes('degraded') ? 'degraded' : 'ok', checks } };
}

/** `/health` and `/metrics` for the worker apps (the API serves both through its own routes). */
export async function startOpsServer(port: number, registry: Registry, health: HealthCheck, host = '127.0.0.1'): Promise<Server> {
  const server = createServer((req, res) => {
    const send = (code: number, type: string, body: string) => {
      res.writeHead(code, { 'content-type': type });
      res.end(body);
    };
    if (req.method === 'GET' && req.url === '/metrics') {
      registry.metrics().then(
        (text) => send(200, registry.contentType, text),
        (e: Error) => send(500, 'text/plain', e.message),
      );
    } else if (req.method === 'GET' && req.url === '/health') {
      health().then(
        (checks) => {
          const { code, body } = healthAnswer(checks);
          send(code, 'application/json', JSON.stringify(body));
        },
        (e: Error) => send(503, 'application/json', JSON.stringify({ status: 'unavailable', error: e.message })),
      );
    } else {
      send(404, 'application/json', JSON.stringify({ statusCode: 404, error: 'Not Found', message: 'try /health or /metrics' }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
