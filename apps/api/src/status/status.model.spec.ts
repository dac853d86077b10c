import { eventStatus } from './status.model';

const d = (...statuses: Array<'pending' | 'retrying' | 'delivered' | 'failed'>) => statuses.map((status) => ({ status }));

describe('eventStatus', () => {
  it.each([
    [{ subscriberCount: 0 }, d(), 'no_subscribers'],
    [{ subscriberCount: null }, d(), 'pending'],
    [{ subscriberCount: 2 }, d('pending', 'delivered'), 'pending'],
    [{ subscriberCount: 2 }, d('retrying', 'failed'), 'retrying'],
    [{ subscriberCount: 2 }, d('delivered', 'delivered'), 'delivered'],
    [{ subscriberCount: 2 }, d('delivered', 'failed'), 'failed'],
    [{ subscriberCount: 1 }, d('failed'), 'failed'],
  ])('%j with %j → %s', (event, deliveries, expected) => expect(eventStatus(event, deliveries)).toBe(expected));
});
