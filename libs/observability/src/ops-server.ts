import { createServer, Server } from 'node:http';
import { Registry } from 'prom-client';

export type HealthCheck = () => Promise<Record<string, 'up' | 'down'>>;

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
          const up = Object.values(checks).every((v) => v === 'up');
          send(up ? 200 : 503, 'application/json', JSON.stringify({ status: up ? 'ok' : 'unavailable', checks }));
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
