import type { Logger } from '@app/observability';
import { StartUpRefused } from './kafka-access';
import { retryUntilUp } from './start-up';

describe('retryUntilUp', () => {
  const logger = { warn: jest.fn() } as unknown as Logger;
  const lasting = (e: unknown) => ((e as Error).message === 'refused' ? { reason: 'Kafka refused: check KAFKA_SASL_PASSWORD', detail: 'refused' } : undefined);

  it('stops at the first failure that every try would repeat, with its reason', async () => {
    const step = jest.fn(() => Promise.reject(new Error('refused')));
    const refused = retryUntilUp(step, logger, 'Kafka', { lasting });
    await expect(refused).rejects.toBeInstanceOf(StartUpRefused);
    await expect(refused).rejects.toMatchObject({ message: 'Kafka refused: check KAFKA_SASL_PASSWORD', detail: 'refused' });
    expect(step).toHaveBeenCalledTimes(1);
  });

  it('tries again after any other failure', async () => {
    const step = jest.fn().mockRejectedValueOnce(new Error('ECONNREFUSED')).mockResolvedValueOnce('up');
    await expect(retryUntilUp(step, logger, 'Kafka', { lasting })).resolves.toBe('up');
    expect(step).toHaveBeenCalledTimes(2);
  });
});
