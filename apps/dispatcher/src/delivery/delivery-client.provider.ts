import { Inject, Injectable, OnApplicationShutdown, Provider } from '@nestjs/common';
import type { HookstreamConfig } from '@app/config';
import { DeliveryHttpClient, GotDeliveryClient, UndiciDeliveryClient } from '@app/delivery';
import type { Logger } from '@app/observability';
import { CONFIG, LOGGER } from '@app/platform';
import { DELIVERY_CLIENT } from '../tokens';


@Injectable()
class DeliveryClientLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DELIVERY_CLIENT) private readonly client: DeliveryHttpClient) {}
  onApplicationShutdown(): void {
    this.client.close();
  }
}

export const deliveryClientProviders: Provider[] = [
  {
    provide: DELIVERY_CLIENT,
    useFactory: (c: HookstreamConfig, logger: Logger): DeliveryHttpClient => {
      // Endpoints on one host (paths of a shared platform) must not queue behind each other in the client: each
      // is held to ENDPOINT_MAX_IN_FLIGHT by the endpoint gates, so a host may use every delivery slot.
      const options = { timeoutMs: c.DELIVERY_TIMEOUT_MS, allowPrivateTargets: c.ALLOW_PRIVATE_TARGETS, dnsServers: c.DNS_SERVERS, maxSockets: c.DELIVERY_CONCURRENCY };
      logger.info({ 'delivery.client': c.DELIVERY_CLIENT }, 'delivery HTTP client chosen');
      return c.DELIVERY_CLIENT === 'undici' ? new UndiciDeliveryClient(options) : new GotDeliveryClient(options);
    },
    inject: [CONFIG, LOGGER],
  },
  DeliveryClientLifecycle,
];
