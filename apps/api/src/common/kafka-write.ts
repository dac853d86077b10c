import { ServiceUnavailableException } from '@nestjs/common';
import type { RecordMetadata } from 'kafkajs';
import { OutgoingRecord, Publisher, withTimeout } from '@app/kafka';

function unavailable(what: string, e: unknown): ServiceUnavailableException {
  return new ServiceUnavailableException(`Kafka is unreachable, so the ${what} was not saved (${(e as Error).message}); retry the same request shortly`);
}

/**
 * Writes records and waits for the broker's acknowledgement; any failure is a 503 with nothing half-written.
 * Records of concurrent requests share one produce request (the broker handles one request per connection
 * at a time, so one request per record would cap the API at one round trip per event).
 */
export async function writeOrUnavailable(publisher: Publisher, records: OutgoingRecord | OutgoingRecord[], timeoutMs: number, what: string): Promise<void> {
  try {
    await withTimeout(publisher.publish(Array.isArray(records) ? records : [records]), timeoutMs);
  } catch (e) {
    throw unavailable(what, e);
  }
}

/** As writeOrUnavailable, sent on its own, returning where the record landed (for read-your-writes). */
export async function writeOneOrUnavailable(publisher: Publisher, record: OutgoingRecord, timeoutMs: number, what: string): Promise<RecordMetadata> {
  try {
    return await publisher.publishOne(record, timeoutMs);
  } catch (e) {
    throw unavailable(what, e);
  }
}
