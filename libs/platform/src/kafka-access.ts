import type { HookstreamConfig } from '@app/config';
import { createKafka } from '@app/kafka';
import type { Logger } from '@app/observability';

/** Start-up stopped for a reason another try cannot fix; the message names the setting to change. */
export class StartUpRefused extends Error {
  constructor(
    reason: string,
    /** What the dependency said, for the log line beside the reason. */
    readonly detail: string,
  ) {
    super(reason);
  }
}

/**
 * One connection and one request with kafkajs' own retries off. kafkajs tries a TLS handshake that fails
 * on the certificate again for about 16 s before it gives up, and a refused certificate or password is
 * refused every time: this way start-up learns it at once.
 */
export async function checkKafkaAccess(config: HookstreamConfig, logger: Logger): Promise<void> {
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'hookstream-setup', connection: config.kafkaConnection, retries: 0 }, logger);
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
