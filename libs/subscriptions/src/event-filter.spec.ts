import { EVENT_FILTER_PATTERN, matchesAny, matchesFilter } from './event-filter';

describe('event filters', () => {
  it.each([
    ['*', 'anything.at.all', true],
    ['order.created', 'order.created', true],
    ['order.created', 'order.created.v2', false],
    ['order.*', 'order.created', true],
    ['order.*', 'order.refund.issued', true],
    ['order.*', 'order', false],
    ['order.*', 'orders.created', false],
    ['invoice.paid', 'order.created', false],
  ])('%s vs %s → %s', (filter, type, expected) => expect(matchesFilter(filter, type)).toBe(expected));

  it('matches when any filter does', () => {
    expect(matchesAny(['a.b', 'c.*'], 'c.d')).toBe(true);
    expect(matchesAny(['a.b'], 'c.d')).toBe(false);
  });

  it.each(['*', 'order.*', 'order.created', 'a-b_c.d'])('accepts filter %s', (f) => expect(EVENT_FILTER_PATTERN.test(f)).toBe(true));
  it.each(['', 'order.', '*.created', 'order.*.x', 'a b', 'order**'])('refuses filter %s', (f) =>
    expect(EVENT_FILTER_PATTERN.test(f)).toBe(false),
  );
});
