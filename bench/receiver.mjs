// The bench's webhook receiver, in a process of its own so load generation does not skew its clock.
// Answers 200 to everything; on an IPC "report" message sends the count and arrival time per webhook-id.
import { createServer } from 'node:http';

let count = 0;
let arrivals = new Map();
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    count++;
    const id = req.headers['webhook-id'];
    if (id && !arrivals.has(id)) arrivals.set(id, Date.now());
    res.writeHead(200).end();
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'report') process.send({ count, arrivals: Object.fromEntries(arrivals) });
  if (m === 'reset') {
    count = 0;
    arrivals = new Map();
    process.send({ reset: true });
  }
  if (m === 'exit') process.exit(0);
});
