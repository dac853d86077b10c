import { HeldPartition, HeldRecord } from './held-partition';

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('HeldPartition', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  const record = (offset: number, dueInMs: number | null): HeldRecord => ({
    offset,
    task: null,
    dueAt: dueInMs === null ? null : new Date(1_000_000 + dueInMs).toISOString(),
  });

  function setup(maxHeld = 100) {
    const forwarded: Array<{ at: number; offsets: number[] }> = [];
    const commits: number[] = [];
    const calls: string[] = [];
    const held = new HeldPartition(
      {
        forward: async (rs) => void forwarded.push({ at: Date.now(), offsets: rs.map((r) => r.offset) }),
        commit: async (next) => void commits.push(next),
        pause: () => calls.push('pause'),
        resume: () => calls.push('resume'),
        onError: () => calls.push('error'),
      },
      maxHeld,
    );
    return { held, forwarded, commits, calls };
  }

  it('forwards each record at its due time, never before, and commits past it', async () => {
    const { held, forwarded, commits } = setup();
    held.add([record(0, 100), record(1, 250)]);
    await jest.advanceTimersByTimeAsync(99);
    expect(forwarded).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    await flush();
    expect(forwarded).toEqual([{ at: 1_000_100, offsets: [0] }]);
    expect(commits).toEqual([1]);
    await jest.advanceTimersByTimeAsync(150);
    await flush();
    expect(forwarded[1]).toEqual({ at: 1_000_250, offsets: [1] });
    expect(commits).toEqual([1, 2]);
  });

  it('keeps partition order: a later record waits behind an earlier one due later', async () => {
    const { held, forwarded } = setup();
    held.add([record(0, 500), record(1, 100)]);
    await jest.advanceTimersByTimeAsync(499);
    expect(forwarded).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    await flush();
    expect(forwarded).toEqual([{ at: 1_000_500, offsets: [0, 1] }]);
  });

  it('passes over unreadable records and ignores records it already holds', async () => {
    const { held, forwarded, commits } = setup();
    held.add([record(0, null), record(1, 0)]);
    held.add([record(1, 0)]);
    await flush();
    expect(forwarded).toEqual([{ at: 1_000_000, offsets: [1] }]);
    expect(commits).toEqual([2]);
  });

  it('pauses the partition past maxHeld and resumes it once half have gone', async () => {
    const { held, calls } = setup(4);
    held.add([0, 1, 2, 3].map((o) => record(o, 100 * (o + 1))));
    expect(calls).toEqual(['pause']);
    await jest.advanceTimersByTimeAsync(100);
    await flush();
    expect(calls).toEqual(['pause']);
    await jest.advanceTimersByTimeAsync(100);
    await flush();
    expect(calls).toEqual(['pause', 'resume']);
  });

  it('keeps a record it could not forward and tries again', async () => {
    const forwarded: number[] = [];
    let fail = true;
    const held = new HeldPartition(
      {
        forward: async (rs) => {
          if (fail) throw new Error('broker down');
          forwarded.push(...rs.map((r) => r.offset));
        },
        commit: async () => undefined,
        pause: () => undefined,
        resume: () => undefined,
        onError: () => undefined,
      },
      10,
    );
    held.add([record(0, 0)]);
    await flush();
    fail = false;
    await jest.advanceTimersByTimeAsync(500);
    await flush();
    expect(forwarded).toEqual([0]);
  });

  it('forgets everything on close and forwards nothing after', async () => {
    const { held, forwarded } = setup();
    held.add([record(0, 100)]);
    held.close();
    await jest.advanceTimersByTimeAsync(200);
    expect(forwarded).toEqual([]);
    expect(held.size).toBe(0);
  });
});
