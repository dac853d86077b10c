import type { ProducerEvent } from './event.schema';
import type { AttemptRecord, AuditRecord, DeadLetterRecord, DeliveryTask, DispatchRecord, InvalidEventRecord, SubscriptionRecord } from './records.schema';
import type { RetryTier, Topics } from './topics';

/** A record ready for the producer: where it goes, its key, and its encoded value. */
export interface KafkaRecord {
  topic: string;
  key: string;
  value: Buffer | null;
  partition?: number;
}

function encode(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/**
 * The one way to write a record: each method takes one record kind, typed by its schema, and knows its
 * topic and key, so a record can only go where its kind belongs. Records about an event are keyed by the
 * event id, so they land on the partition of the event (and of its other records).
 */
export class RecordWriter {
  constructor(private readonly topics: Topics) {}

  /** A subscription, or a tombstone (null) that deletes it from the compacted topic. */
  subscription(id: string, record: SubscriptionRecord | null): KafkaRecord {
    return { topic: this.topics.subscriptions, key: id, value: record && encode(record) };
  }

  event(event: ProducerEvent): KafkaRecord {
    return { topic: this.topics.events, key: event.id, value: encode(event) };
  }

  /** The fan-out decision, on the partition of the event it decides (the idempotency changelog). */
  dispatch(record: DispatchRecord, partition: number): KafkaRecord {
    return { topic: this.topics.dispatch, key: record.event_id, partition, value: encode(record) };
  }

  attempt(record: AttemptRecord): KafkaRecord {
    return { topic: this.topics.attempts, key: record.event_id, value: encode(record) };
  }

  /** A delivery waiting in a retry tier until its due time. */
  retry(tier: RetryTier, task: DeliveryTask): KafkaRecord {
    return { topic: tier.topic, key: task.event.id, value: encode(task) };
  }

  /** A delivery due now (from the scheduler, a manual retry or a recovery). */
  due(task: DeliveryTask): KafkaRecord {
    return { topic: this.topics.deliveries, key: task.event.id, value: encode(task) };
  }

  deadLetter(record: DeadLetterRecord): KafkaRecord {
    return { topic: this.topics.deadLetter, key: record.event.id, value: encode(record) };
  }

  invalidEvent(record: InvalidEventRecord): KafkaRecord {
    return { topic: this.topics.eventsInvalid, key: record.key ?? `${record.source.partition}:${record.source.offset}`, value: encode(record) };
  }

  audit(record: AuditRecord): KafkaRecord {
    return { topic: this.topics.audit, key: record.key_id ?? record.client_ip, value: encode(record) };
  }
}
