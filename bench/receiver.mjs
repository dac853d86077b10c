// The bench's webhook receiver, in a process of its own so load generation does not skew its clock.
// Answers 200 to everything; on an IPC "report" message sends the count, every arrival time, and the first
// arrival time per webhook-id.
import { createServer } from 'node:http';

let times = [];
let arrivals = new Map();
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const now = Date.now();
    times.push(now);
    const id = req.headers['webhook-id'];
    if (id && !arrivals.has(id)) arrivals.set(id, now);
    res.writeHead(200).end();
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'report') process.send({ count: times.length, times, arrivals: Object.fromEntries(arrivals) });
  if (m === 'count') process.send({ count: times.length });
  if (m === 'reset') {
    times = [];
    arrivals = new Map();
    process.send({ reset: true });
  }
  if (m === 'exit') process.exit(0);
});
