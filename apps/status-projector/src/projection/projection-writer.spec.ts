import { emptyChanges, ProjectionChanges } from '@app/persistence';
import { ProjectionWriter } from './projection-writer';

const withEvent = (id: string): ProjectionChanges => ({ ...emptyChanges(), events: [{ id, type: 'a', timestamp: '2026-01-01T00:00:00Z', accepted_at: '2026-01-01T00:00:00Z', data: {}, tenant_id: null }] });

describe('ProjectionWriter', () => {
  it('writes batches that arrive while a transaction runs together in the next one, one at a time', async () => {
    const applied: string[][] = [];
    let running = 0;
    let maxRunning = 0;
    const writer = new ProjectionWriter(async (c) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 20));
      applied.push(c.events.map((e) => e.id));
      running--;
    });
    const first = writer.write(withEvent('a'));
    await new Promise((r) => setTimeout(r, 5));
    await Promise.all([first, writer.write(withEvent('b')), writer.write(withEvent('c'))]);
    expect(applied).toEqual([['a'], ['b', 'c']]);
    expect(maxRunning).toBe(1);
  });

  it('fails every caller whose changes were in a failed transaction, and carries on after', async () => {
    let fail = true;
    const writer = new ProjectionWriter(async () => {
      if (fail) throw new Error('postgres down');
    });
    await expect(Promise.all([writer.write(withEvent('a')), writer.write(withEvent('b'))])).rejects.toThrow('postgres down');
    fail = false;
    await expect(writer.write(withEvent('c'))).resolves.toBeUndefined();
  });
});
