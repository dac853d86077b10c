import type { Kafka, KafkaMessage } from 'kafkajs';
import { EndpointHealthRecord, endpointHealthRecordSchema, parseRecord } from '@app/contracts';
import { TopicView } from '@app/kafka';

/**
 * What dispatchers last said of each endpoint (circuit, failure streak, last success and failure), folded
 * from the compacted endpoint-health topic. The API shows it; a dispatcher starting up seeds its own
 * endpoint state from it. With several dispatchers the newest record of any of them wins.
 */
export class EndpointHealthView {
  private readonly byId = new Map<string, EndpointHealthRecord>();
  private readonly view: TopicView;
  private readonly listeners: Array<(r: EndpointHealthRecord) => void> = [];

  constructor(kafka: Kafka, topic: string, groupPrefix: string) {
    this.view = new TopicView(kafka, topic, (m) => this.apply(m), groupPrefix);
  }

  async start(): Promise<void> {
    await this.view.start();
    await this.view.catchUp();
  }

  stop(): Promise<void> {
    return this.view.stop();
  }

  get(subscriptionId: string): EndpointHealthRecord | undefined {
    return this.byId.get(subscriptionId);
  }

  onRecord(listener: (r: EndpointHealthRecord) => void): void {
    this.listeners.push(listener);
    for (const r of this.byId.values()) listener(r);
  }

  private apply(m: KafkaMessage): void {
    const id = m.key?.toString('utf8');
    if (!id) return;
    if (m.value === null) {
      this.byId.delete(id);
      return;
    }
    const parsed = parseRecord(endpointHealthRecordSchema, m.value);
    if (!parsed.ok) return;
    const seen = this.byId.get(id);
    if (seen && seen.at > parsed.value.at) return;
    this.byId.set(id, parsed.value);
    for (const l of this.listeners) l(parsed.value);
  }
}
