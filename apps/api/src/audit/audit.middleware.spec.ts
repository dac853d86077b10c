import { subjectOf } from './audit.middleware';

describe('subjectOf', () => {
  it.each([
    ['/webhooks', {}, { id: 'sub_1' }, { subscription_id: 'sub_1', event_id: null }],
    ['/webhooks/sub_2', {}, null, { subscription_id: 'sub_2', event_id: null }],
    ['/webhooks/sub_2/secret/rotate', {}, null, { subscription_id: 'sub_2', event_id: null }],
    ['/webhooks/status', { event_id: 'evt_3' }, null, { subscription_id: null, event_id: 'evt_3' }],
    ['/events', {}, { id: 'evt_4', status_url: '' }, { subscription_id: null, event_id: 'evt_4' }],
    ['/events/evt_5/attempts', {}, [], { subscription_id: null, event_id: 'evt_5' }],
    ['/health', {}, { status: 'ok' }, { subscription_id: null, event_id: null }],
  ])('%s', (path, query, body, expected) => expect(subjectOf(path, query, body)).toEqual(expected));
});
