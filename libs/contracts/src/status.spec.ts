import { DeliveryStatus, deliveryStatusAfter, eventStatus } from './status';

describe('eventStatus', () => {
  it.each<[number | null, DeliveryStatus[], string]>([
    [0, [], 'no_subscribers'],
    [null, [], 'pending'],
    [2, ['pending', 'delivered'], 'pending'],
    [2, ['retrying', 'failed'], 'retrying'],
    [2, ['retrying', 'pending'], 'retrying'],
    [2, ['delivered', 'delivered'], 'delivered'],
    [2, ['delivered', 'failed'], 'failed'],
    [1, ['failed'], 'failed'],
    [2, ['delivered', 'skipped'], 'failed'],
  ])('subscribers %j, deliveries %j → %s', (subscribers, deliveries, expected) => expect(eventStatus(subscribers, deliveries)).toBe(expected));
});

describe('deliveryStatusAfter', () => {
  it('is delivered after a 2xx, retrying while another attempt is scheduled, failed after the last', () => {
    expect(deliveryStatusAfter({ outcome: 'delivered', next_attempt_at: null })).toBe('delivered');
    expect(deliveryStatusAfter({ outcome: 'failed', next_attempt_at: '2026-01-01T00:00:00Z' })).toBe('retrying');
    expect(deliveryStatusAfter({ outcome: 'failed', next_attempt_at: null })).toBe('failed');
  });
});
