// The bench's webhook receiver, in a process of its own so load generation does not skew its clock.
// Answers 200 to everything; on an IPC "report" message sends the count, every arrival time, the first
// arrival time per webhook-id, and the count per path. On `{ hang: n }` it also opens n endpoints that
// accept connections and never answer (each on its own port, so each is its own origin), and counts the
// requests that reach them.
import { createServer } from 'node:http';

let times = [];
let arrivals = new Map();
let paths = new Map();
let hung = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const now = Date.now();
    times.push(now);
    const id = req.headers['webhook-id'];
    if (id && !arrivals.has(id)) arrivals.set(id, now);
    const path = req.url ?? '';
    paths.set(path, (paths.get(path) ?? 0) + 1);
    res.writeHead(200).end();
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));

/** An endpoint that takes the request and never answers: the client's timeout is the only way out. */
function hangingServer() {
  const s = createServer((req) => {
    hung++;
    req.resume();
  });
  s.requestTimeout = 0;
  s.headersTimeout = 0;
  s.keepAliveTimeout = 0;
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s.address().port)));
}

process.on('message', (m) => {
  if (m === 'report') process.send({ count: times.length, times, arrivals: Object.fromEntries(arrivals), paths: Object.fromEntries(paths), hung });
  if (m === 'count') process.send({ count: times.length, hung });
  if (m === 'reset') {
    times = [];
    arrivals = new Map();
    paths = new Map();
    hung = 0;
    process.send({ reset: true });
  }
  if (m?.hang) void Promise.all(Array.from({ length: m.hang }, hangingServer)).then((hangPorts) => process.send({ hangPorts }));
  if (m === 'exit') process.exit(0);
});
