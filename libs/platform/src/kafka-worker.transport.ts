import { CustomTransportStrategy, Server } from '@nestjs/microservices';

/** Something that consumes Kafka for a worker app: started when the app listens, drained when it closes. */
export interface WorkerConsumer {
  start(): Promise<void>;
  /** Stop taking work, let running work finish (up to timeoutMs), commit, leave the group. */
  stop(timeoutMs: number): Promise<void>;
}

export const WORKER_CONSUMERS = Symbol('WORKER_CONSUMERS');

/**
 * A NestJS microservice transport over hookstream's own Kafka consumers. Nest's built-in Kafka transport
 * hands over one message at a time and commits automatically; the workers need batches, bounded parallel
 * work and commits only after durable work, which `BatchConsumer` (and the scheduler's tier consumer) do.
 * Closing the app closes this transport first, so consumers drain before the producer disconnects.
 */
export class KafkaWorkerTransport extends Server implements CustomTransportStrategy {
  private consumers: WorkerConsumer[] = [];

  constructor(private readonly shutdownTimeoutMs: number) {
    super();
  }

  use(consumers: WorkerConsumer[]): void {
    this.consumers = consumers;
  }

  listen(callback: (...optionalParams: unknown[]) => void): void {
    Promise.all(this.consumers.map((c) => c.start())).then(() => callback(), (e: Error) => callback(e));
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop(this.shutdownTimeoutMs)));
  }

  on(): void {
    // Workers take no message patterns; their consumers are wired explicitly.
  }

  unwrap<T>(): T {
    return this.consumers as T;
  }
}
