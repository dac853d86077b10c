import { createSocket, RemoteInfo, Socket } from 'node:dgram';
import { isIPv4, isIPv6 } from 'node:net';

const TYPE_A = 1;
const TYPE_AAAA = 28;

/** What a name resolves to now; tests change it between two lookups (DNS rebinding). */
export interface DnsAnswer {
  a?: string[];
  aaaa?: string[];
}

/**
 * A tiny authoritative DNS server over UDP on 127.0.0.1 that answers A and AAAA questions from `records`
 * with TTL 0, NXDOMAIN for unknown names. It counts the questions per name, so a test can tell that a
 * lookup happened at delivery time.
 */
export class TestDnsServer {
  readonly records = new Map<string, DnsAnswer>();
  readonly questions = new Map<string, number>();
  private socket?: Socket;

  async start(): Promise<this> {
    this.socket = createSocket('udp4');
    this.socket.on('message', (msg, from) => this.answer(msg, from));
    await new Promise<void>((resolve) => this.socket!.bind(0, '127.0.0.1', resolve));
    return this;
  }

  /** The value for DNS_SERVERS. */
  get address(): string {
    return `127.0.0.1:${this.socket!.address().port}`;
  }

  set(name: string, answer: DnsAnswer): void {
    this.records.set(name.toLowerCase(), answer);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.socket ? this.socket.close(() => resolve()) : resolve()));
  }

  private answer(query: Buffer, from: RemoteInfo): void {
    const question = parseQuestion(query);
    if (!question) return;
    this.questions.set(question.name, (this.questions.get(question.name) ?? 0) + 1);
    const known = this.records.get(question.name);
    const addresses = !known ? [] : question.type === TYPE_A ? (known.a ?? []) : question.type === TYPE_AAAA ? (known.aaaa ?? []) : [];
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // the query's id
    // QR=1 (answer), AA=1, RD copied from the query; RA=1; RCODE 3 (NXDOMAIN) for unknown names.
    header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (known ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(addresses.length, 6);
    const records = addresses.map((address) => answerRecord(question.type, address));
    this.socket!.send(Buffer.concat([header, question.raw, ...records]), from.port, from.address);
  }
}

function parseQuestion(query: Buffer): { name: string; type: number; raw: Buffer } | null {
  if (query.length < 17 || query.readUInt16BE(4) !== 1) return null;
  const labels: string[] = [];
  let at = 12;
  while (at < query.length && query[at] !== 0) {
    const length = query[at]!;
    labels.push(query.subarray(at + 1, at + 1 + length).toString('ascii'));
    at += 1 + length;
  }
  if (at + 5 > query.length) return null;
  return { name: labels.join('.').toLowerCase(), type: query.readUInt16BE(at + 1), raw: query.subarray(12, at + 5) };
}

function answerRecord(type: number, address: string): Buffer {
  const data = type === TYPE_A && isIPv4(address) ? Buffer.from(address.split('.').map(Number)) : type === TYPE_AAAA && isIPv6(address) ? ipv6Bytes(address) : null;
  if (!data) throw new Error(`${address} is not an answer to a type ${type} question`);
  const fixed = Buffer.alloc(12);
  fixed.writeUInt16BE(0xc00c, 0); // name: a pointer to the question's name
  fixed.writeUInt16BE(type, 2);
  fixed.writeUInt16BE(1, 4); // class IN
  fixed.writeUInt32BE(0, 6); // TTL 0: nobody may cache the answer
  fixed.writeUInt16BE(data.length, 10);
  return Buffer.concat([fixed, data]);
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const groups = (s: string) => (s ? s.split(':') : []);
  const missing = 8 - groups(head).length - groups(tail).length;
  const all = address.includes('::') ? [...groups(head), ...Array<string>(missing).fill('0'), ...groups(tail)] : groups(address);
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
