import { ServiceUnavailableException } from '@nestjs/common';
import { OutgoingRecord, Placed, Publisher, PublishTimeoutError } from '@app/kafka';

function unavailable(what: string, e: unknown): ServiceUnavailableException {
  const reason = (e as Error).message;
  if (e instanceof PublishTimeoutError && e.written === 'unknown') {
    return new ServiceUnavailableException(
      `Kafka is unreachable or slow: it did not acknowledge the ${what} in time (${reason}), so it may or may not be saved; retry the same request (same id) shortly — it takes effect once`,
    );
  }
  return new ServiceUnavailableException(`Kafka is unreachable, so the ${what} was not saved (${reason}); retry the same request shortly`);
}

/**
 * Writes records and waits for the broker's acknowledgement (all in-sync replicas) up to `timeoutMs`; a record
 * refused with 503 "not saved" is never written afterwards (the publisher drops it from every queue). Records
 * of concurrent requests share produce requests, one per broker at a time.
 */
export async function writeOrUnavailable(publisher: Publisher, records: OutgoingRecord | OutgoingRecord[], timeoutMs: number, what: string): Promise<void> {
  try {
    await publisher.publish(Array.isArray(records) ? records : [records], timeoutMs);
  } catch (e) {
    throw unavailable(what, e);
  }
}

/** As writeOrUnavailable for one record, returning where it landed (for read-your-writes). */
export async function writeOneOrUnavailable(publisher: Publisher, record: OutgoingRecord, timeoutMs: number, what: string): Promise<Placed> {
  try {
    return await publisher.publishOne(record, timeoutMs);
  } catch (e) {
    throw unavailable(what, e);
  }
}
