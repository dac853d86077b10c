import { Agent, request } from 'node:http';
import { connect } from 'node:net';

export interface Answer {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** What came back, or `null` when the server closed the connection (or stayed silent until the deadline) without an answer. */
export type MaybeAnswer = Answer | null;

// One connection per request: a request that leaves a connection in a bad state must not spoil the next.
const noReuse = new Agent({ keepAlive: false });

/**
 * One request through node:http, sent as written: the path is not normalised (fetch would resolve `..`
 * and re-encode), and header values may hold any byte HTTP allows. A Buffer body goes out as given.
 */
export function sendHttp(
  apiUrl: string,
  req: { method: string; path: string; headers: Array<[string, string]>; body: Buffer | null },
  deadlineMs = 10000,
): Promise<MaybeAnswer> {
  const url = new URL(apiUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of req.headers) {
      const prior = headers[name];
      headers[name] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [prior]), value];
    }
    if (req.body) headers['content-length'] = String(req.body.length);
    const out = request({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent: noReuse, timeout: deadlineMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    out.on('timeout', () => out.destroy(new Error(`no answer within ${deadlineMs} ms`)));
    out.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve(null) : reject(e)));
    out.end(req.body ?? undefined);
  });
}

/**
 * Bytes written straight to the API's socket, for requests Node's client refuses to send (broken request
 * lines, bad framing, bytes HTTP forbids). Resolves with the first complete answer, or null when the server
 * closes without one or stays silent until the deadline (it may be waiting for more of a request). The
 * write side stays open: a client's FIN makes Node's server drop the requests it has not answered yet.
 */
export function sendRaw(apiUrl: string, bytes: Buffer, deadlineMs = 2000): Promise<MaybeAnswer> {
  const url = new URL(apiUrl);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (answer: MaybeAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish(parseAnswer(Buffer.concat(chunks))), deadlineMs);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      const raw = Buffer.concat(chunks);
      if (isComplete(raw)) finish(parseAnswer(raw));
    });
    socket.on('close', () => finish(parseAnswer(Buffer.concat(chunks))));
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}

/** Whether `raw` holds a whole response: its head and, when the head says how long the body is, that body. */
function isComplete(raw: Buffer): boolean {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd === -1) return false;
  const head = raw.subarray(0, headEnd).toString('latin1').toLowerCase();
  const length = /\r\ncontent-length: *(\d+)/.exec(head);
  if (length) return raw.length - headEnd - 4 >= Number(length[1]);
  if (/\r\ntransfer-encoding: *chunked/.test(head)) return raw.includes('\r\n0\r\n\r\n', headEnd);
  return false;
}

/** The first response in what a server wrote back (status line, headers, body up to its length), or null. */
export function parseAnswer(raw: Buffer): MaybeAnswer {
  const text = raw.toString('latin1');
  const headEnd = text.indexOf('\r\n\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  if (!status || headEnd === -1) return null;
  const head = text.slice(0, headEnd).split('\r\n');
  const header = (name: string) => head.find((h) => h.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
  const length = Number(header('content-length') ?? Number.NaN);
  const rest = raw.subarray(headEnd + 4);
  const body = header('transfer-encoding') === 'chunked' ? dechunk(rest) : Number.isNaN(length) ? rest : rest.subarray(0, length);
  return { status: Number(status[1]), contentType: header('content-type'), body: body.toString('utf8') };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd === -1) break;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
