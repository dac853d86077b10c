import { ServiceUnavailableException } from '@nestjs/common';
import type { RecordMetadata } from 'kafkajs';
import { OutgoingRecord, Publisher } from '@app/kafka';

/** Writes one record and waits for the broker's acknowledgement; any failure is a 503 with nothing half-written. */
export async function writeOrUnavailable(publisher: Publisher, record: OutgoingRecord, timeoutMs: number, what: string): Promise<RecordMetadata> {
  try {
    return await publisher.publishOne(record, timeoutMs);
  } catch (e) {
    throw new ServiceUnavailableException(
      `Kafka is unreachable, so the ${what} was not saved (${(e as Error).message}); retry the same request shortly`,
    );
  }
}
