import type { KafkaMessage } from 'kafkajs';
import { loadConfig } from '@app/config';
import { topicsFor } from '@app/contracts';
import { createLogger } from '@app/observability';
import { ProjectionChanges, ProjectionRepository } from '@app/persistence';
import { ProjectionService } from './projection.service';

const topics = topicsFor('spec', loadConfig({ HOOKSTREAM_DATA_DIR: '/tmp/hookstream-spec', ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64') }).retry);

function event(id: string, offset: number): KafkaMessage {
  return { key: Buffer.from(id), value: Buffer.from(JSON.stringify({ id, type: 'a.b', data: {} })), offset: String(offset), timestamp: '1700000000000', attributes: 0, headers: {} };
}

/** A repository that refuses any change holding `poison`, as Postgres refuses a value it cannot store. */
function repository(poison: string, error: Error & { code?: string }) {
  const written: string[] = [];
  const repo = {
    apply: async (c: ProjectionChanges) => {
      if (c.events.some((e) => e.id === poison)) throw error;
      written.push(...c.events.map((e) => e.id));
    },
  } as unknown as ProjectionRepository;
  return { repo, written };
}

describe('ProjectionService', () => {
  it('skips a record Postgres refuses and writes the rest of its batch', async () => {
    const { repo, written } = repository('evt_bad', Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' }));
    const service = new ProjectionService(topics, createLogger('spec', 'silent'), repo);
    await service.project(topics.events, 0, [event('evt_1', 1), event('evt_bad', 2), event('evt_3', 3)]);
    expect(written).toEqual(['evt_1', 'evt_3']);
  });

  it('skips nothing while Postgres is unreachable or transactions conflict: the batch fails, to be retried whole', async () => {
    for (const code of ['ECONNREFUSED', '40P01']) {
      const { repo, written } = repository('evt_bad', Object.assign(new Error('try again'), { code }));
      const service = new ProjectionService(topics, createLogger('spec', 'silent'), repo);
      await expect(service.project(topics.events, 0, [event('evt_1', 1), event('evt_bad', 2)])).rejects.toThrow('try again');
      expect(written).toEqual([]);
    }
  });
});
