import { readFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { SecureVersion } from 'node:tls';
import { AddressInfo, Socket } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** How to answer one request: a status (with headers, after a delay), or a broken connection. */
export type Behaviour =
  | number
  | { status: number; delayMs?: number; headers?: Record<string, string> }
  | { action: 'reset' | 'close'; delayMs?: number };

/** A local webhook endpoint that records every request and answers as `respond` says (200 by default). */
export class Receiver {
  readonly requests: Received[] = [];
  respond: (r: Received, nth: number) => Behaviour = () => 200;
  /** Called for every TCP connection, before any request. */
  onConnection: () => void = () => undefined;
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  /**
   * Plain http unless `tls` names a key and certificate (files), optionally capped at an old TLS version.
   * `listenHost` "::" takes IPv6 and IPv4 connections (the URL still names 127.0.0.1).
   */
  constructor(
    private readonly tls?: { key: string; cert: string; maxVersion?: SecureVersion },
    private readonly listenHost = '127.0.0.1',
  ) {}

  /** Listens on `port` (0: any free port). */
  async start(port = 0): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        this.requests.push(r);
        const nth = this.requests.filter((x) => x.path === r.path && x.headers['webhook-id'] === r.headers['webhook-id']).length;
        const b = this.respond(r, nth);
        const answer = typeof b === 'number' ? { status: b } : b;
        setTimeout(() => {
          if ('action' in answer) {
            if (answer.action === 'reset') req.socket.resetAndDestroy();
            else req.socket.end();
            return;
          }
          res.writeHead(answer.status, answer.headers);
          res.end();
        }, answer.delayMs ?? 0);
      });
    };
    this.server = this.tls
      ? createTlsServer(
          {
            key: readFileSync(this.tls.key),
            cert: readFileSync(this.tls.cert),
            ...(this.tls.maxVersion ? { maxVersion: this.tls.maxVersion, minVersion: 'TLSv1' as const, ciphers: 'DEFAULT:@SECLEVEL=0' } : {}),
          },
          handler,
        )
      : createServer(handler);
    this.server.on('connection', (s: Socket) => {
      this.onConnection();
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, this.listenHost, resolve));
    return this;
  }

  url(path = '/hook'): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${(this.server!.address() as AddressInfo).port}${path}`;
  }

  byEvent(id: string): Received[] {
    return this.requests.filter((r) => r.headers['webhook-id'] === id);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
