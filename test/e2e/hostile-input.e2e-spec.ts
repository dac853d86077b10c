import { STATUS_CODES } from 'node:http';
import { api } from '../support/api';
import { testEnv } from '../support/env';
import { checkProperty, fuzzSeed } from '../support/fuzz';
import { rawRequest } from '../support/hostile-raw';
import { hostileRequest } from '../support/hostile-requests';
import { deadApps } from '../support/processes';
import { Answer, MaybeAnswer, sendHttp, sendRaw } from '../support/raw-http';

const BODY_LIMIT = 256 * 1024;

/** A 4xx as the API writes it: `{statusCode, error, message}`, error the status's reason phrase. */
function expectErrorJson(answer: Answer): void {
  expect([answer.status, answer.contentType]).toEqual([answer.status, expect.stringMatching(/^application\/json/)]);
  const body = JSON.parse(answer.body) as { statusCode?: unknown; error?: unknown; message?: unknown };
  expect(body).toEqual({ statusCode: answer.status, error: expect.any(String), message: expect.any(String) });
  expect([answer.status, String(body.error).toLowerCase()]).toEqual([answer.status, STATUS_CODES[answer.status]!.toLowerCase()]);
  expect(String(body.message).length).toBeGreaterThan(0);
}

/** The API process is alive and its /health answers 200 (a crash shows here even when the answer came first). */
async function expectApiUp(): Promise<void> {
  let health: number | string;
  try {
    health = (await fetch(`${testEnv().apiUrl}/health`)).status;
  } catch (e) {
    health = `unreachable: ${(e as Error).message} (${String((e as { cause?: unknown }).cause)})`;
  }
  expect(['GET /health', health]).toEqual(['GET /health', 200]);
  expect(['apps gone', deadApps()]).toEqual(['apps gone', []]);
}

/**
 * Property-based, against the run's real API: seeded, bounded runs of hostile requests over every route
 * and beyond (see test/support/hostile-requests.ts, hostile-bodies.ts and hostile-raw.ts). The seed is
 * printed on failure; HOOKSTREAM_FUZZ_SEED replays it.
 */
describe('hostile requests to the API', () => {
  const seed = fuzzSeed();
  const env = testEnv();
  const ns = `hz${(seed >>> 0).toString(36)}${Date.now().toString(36)}`;
  const created: string[] = [];

  afterAll(async () => {
    for (const id of created) await api('DELETE', `/webhooks/${id}`);
  });

  it('answers every request with a 2xx only where it is well-formed, else a 4xx error JSON; never a 5xx, and stays up', async () => {
    await checkProperty('hostile requests', seed, 300, hostileRequest(env.env.API_KEYS!, ns), async (req) => {
      const answer = await sendHttp(env.apiUrl, req);
      const sent = req.body?.length ?? 0;
      // Only a body over the limit may be cut off: the API answers 413 before reading it all and closes.
      if (answer === null) expect(['no answer to a body of', sent, sent > BODY_LIMIT]).toEqual(['no answer to a body of', sent, true]);
      else {
        expect([answer.status, answer.body.slice(0, 300), answer.status >= 200 && answer.status < 500]).toEqual([answer.status, answer.body.slice(0, 300), true]);
        if (answer.status >= 300) expectErrorJson(answer);
        else expect(['a 2xx for a request that must be refused', req.mayPass]).toEqual(['a 2xx for a request that must be refused', true]);
        if (answer.status === 201 && /^\/webhooks\/?(\?|$)/i.test(req.path)) created.push((JSON.parse(answer.body) as { id: string }).id);
      }
      await expectApiUp();
    });
    // What a polluted Object.prototype would break first: a plain, valid call still works as before.
    const canary = await api<{ id: string }>('POST', '/events', { type: `${ns}e.canary`, data: { ok: true } });
    expect(canary.status).toBe(202);
    expect((await api('GET', `/webhooks/status?event_id=${canary.body.id}`)).status).not.toBeGreaterThanOrEqual(500);
  });

  it("answers raw requests Node's client would not send with a 4xx or by closing; never a 5xx, and stays up", async () => {
    await checkProperty('raw hostile requests', seed, 120, rawRequest, async (req) => {
      const answer: MaybeAnswer = await sendRaw(env.apiUrl, req.bytes);
      if (answer !== null) {
        expect([answer.status, answer.body.slice(0, 300), answer.status >= 200 && answer.status < 500]).toEqual([answer.status, answer.body.slice(0, 300), true]);
        if (answer.status < 300) expect(['a 2xx for a request that must be refused', req.mayPass]).toEqual(['a 2xx for a request that must be refused', true]);
        // Node's HTTP parser refuses what it cannot parse itself, before the API sees it: a bare 400 or 431
        // with no body. Everything the API itself answers carries the error JSON.
        else if (answer.contentType !== undefined || answer.body !== '') expectErrorJson(answer);
        else expect([answer.status, [400, 431].includes(answer.status)]).toEqual([answer.status, true]);
      }
      await expectApiUp();
    });
  });
});
