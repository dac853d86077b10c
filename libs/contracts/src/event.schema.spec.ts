import { producerEventSchema } from './event.schema';
import { parseRecord } from './parse';

const json = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('producer event schema', () => {
  it('accepts a well-formed event', () => {
    const r = parseRecord(producerEventSchema, json({ id: 'evt_1', type: 'order.created', data: { a: 1 } }));
    expect(r).toEqual({ ok: true, value: { id: 'evt_1', type: 'order.created', data: { a: 1 } } });
  });

  it.each([
    ['not json', Buffer.from('{oops'), /not valid JSON/],
    ['missing type', json({ id: 'e', data: {} }), /type/],
    ['array data', json({ id: 'e', type: 'a', data: [1] }), /data must be a JSON object/],
    ['unknown field', json({ id: 'e', type: 'a', data: {}, extra: 1 }), /extra/],
    ['bad type charset', json({ id: 'e', type: 'a b', data: {} }), /dot-separated/],
    ['bad id', json({ id: 'a/b', type: 'a', data: {} }), /id must be/],
    ['bad timestamp', json({ id: 'e', type: 'a', data: {}, timestamp: 'yesterday' }), /ISO-8601/],
  ])('refuses %s with a reason', (_name, value, reason) => {
    const r = parseRecord(producerEventSchema, value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('refuses data nested deeper than the limit', () => {
    let data: Record<string, unknown> = {};
    for (let i = 0; i < 40; i++) data = { n: data };
    const r = parseRecord(producerEventSchema, json({ id: 'e', type: 'a', data }));
    expect(r.ok).toBe(false);
  });
});
