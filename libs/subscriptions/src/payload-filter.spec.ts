import { compileFilter, filterProblems } from './payload-filter';

const event = (data: unknown) => ({ id: 'e', type: 'order.paid', tenant_id: null, data });

describe('payload filters', () => {
  const cases: Array<[string, Record<string, unknown>, unknown, boolean]> = [
    ['equals', { 'data.currency': 'EUR' }, { currency: 'EUR' }, true],
    ['equals (other)', { 'data.currency': 'EUR' }, { currency: 'USD' }, false],
    ['equals an object', { 'data.meta': { a: [1, 2] } }, { meta: { a: [1, 2] } }, true],
    ['ne', { 'data.test': { ne: true } }, { test: false }, true],
    ['ne on a missing path', { 'data.test': { ne: true } }, {}, true],
    ['ne (equal)', { 'data.test': { ne: true } }, { test: true }, false],
    ['in', { 'data.currency': { in: ['EUR', 'USD'] } }, { currency: 'USD' }, true],
    ['in (absent value)', { 'data.currency': { in: ['EUR', 'USD'] } }, { currency: 'GBP' }, false],
    ['nin', { 'data.currency': { nin: ['EUR'] } }, { currency: 'USD' }, true],
    ['nin (listed)', { 'data.currency': { nin: ['EUR'] } }, { currency: 'EUR' }, false],
    ['gt', { 'data.amount': { gt: 100 } }, { amount: 101 }, true],
    ['gt (equal)', { 'data.amount': { gt: 100 } }, { amount: 100 }, false],
    ['gte', { 'data.amount': { gte: 100 } }, { amount: 100 }, true],
    ['lt', { 'data.amount': { lt: 100 } }, { amount: 99.5 }, true],
    ['lte', { 'data.amount': { lte: 100 } }, { amount: 101 }, false],
    ['range', { 'data.amount': { gte: 10, lt: 20 } }, { amount: 15 }, true],
    ['string order', { 'data.sku': { gte: 'b' } }, { sku: 'c' }, true],
    ['exists', { 'data.coupon': { exists: true } }, { coupon: null }, true],
    ['exists false', { 'data.coupon': { exists: false } }, {}, true],
    ['exists (missing)', { 'data.coupon': { exists: true } }, {}, false],
    ['prefix', { 'data.email': { prefix: 'ops@' } }, { email: 'ops@example.com' }, true],
    ['array index', { 'data.items.0.sku': 'A1' }, { items: [{ sku: 'A1' }] }, true],
    ['event field', { type: { prefix: 'order.' } }, {}, true],
    ['all must hold', { 'data.amount': { gte: 100 }, 'data.currency': 'EUR' }, { amount: 150, currency: 'USD' }, false],
    // Odd data never throws; it simply does not match.
    ['gt on a string', { 'data.amount': { gt: 100 } }, { amount: '150' }, false],
    ['gt on a missing path', { 'data.amount': { gt: 100 } }, {}, false],
    ['prefix on a number', { 'data.email': { prefix: 'a' } }, { email: 5 }, false],
    ['path through a scalar', { 'data.a.b.c': 1 }, { a: 5 }, false],
    ['path through null', { 'data.a.b': 1 }, { a: null }, false],
    ['prototype key', { 'data.constructor': { exists: true } }, {}, false],
    ['__proto__ key', { 'data.__proto__': { exists: true } }, {}, false],
    ['index out of range', { 'data.items.5': { exists: true } }, { items: [1] }, false],
  ];

  it.each(cases)('%s', (_name, filter, data, expected) => {
    expect(filterProblems(filter)).toEqual([]);
    expect(compileFilter(filter)(event(data))).toBe(expected);
  });

  it('matches everything without a filter', () => {
    expect(compileFilter(null)(event({}))).toBe(true);
  });

  it('names the part of a bad filter', () => {
    expect(filterProblems({ 'data.amount': { gte: [1] } })).toEqual(['filter."data.amount".gte must be a number or a string']);
    expect(filterProblems({ 'data.x': { in: [] } })).toEqual(['filter."data.x".in must be a list of 1 to 100 values']);
    expect(filterProblems({ 'data.x': { exists: 'yes' } })).toEqual(['filter."data.x".exists must be true or false']);
    expect(filterProblems({ 'data.x': { gte: 1, other: 2 } })[0]).toMatch(/mixes operators with other keys/);
    expect(filterProblems({ 'a.b.c.d.e.f.g.h.i': 1 })[0]).toMatch(/at most 8 segments/);
    expect(filterProblems({ 'data..x': 1 })[0]).toMatch(/dot-separated names/);
    expect(filterProblems({ 'data.x': {} })[0]).toMatch(/empty condition/);
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`data.k${i}`, 1]));
    expect(filterProblems(many)).toContain('filter may hold at most 20 conditions');
    expect(filterProblems([1])).toEqual(['filter must be an object of "path": condition']);
  });
});
