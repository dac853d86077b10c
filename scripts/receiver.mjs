// A small webhook endpoint for trying hookstream locally: prints each request and, when WEBHOOK_SECRET is
// set, checks its Standard Webhooks signature with the `standardwebhooks` library. Port: RECEIVER_PORT (4000).
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const port = Number(process.env.RECEIVER_PORT ?? 4000);
const secret = process.env.WEBHOOK_SECRET;
createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    let verdict = 'signature not checked (set WEBHOOK_SECRET)';
    if (secret) {
      try {
        new Webhook(secret).verify(body, req.headers);
        verdict = 'signature valid';
      } catch (e) {
        verdict = `signature INVALID: ${e.message}`;
      }
    }
    console.log(`${new Date().toISOString()} ${req.method} ${req.url} webhook-id=${req.headers['webhook-id']} (${verdict})\n  ${body}`);
    res.writeHead(200).end();
  });
}).listen(port, '127.0.0.1', () => console.log(`receiver listening on http://127.0.0.1:${port}`));
