import { PartitionProgress } from './partition-progress';

describe('PartitionProgress', () => {
  it('commits only past the first unfinished unit', () => {
    const p = new PartitionProgress();
    const a = p.add(10, 10);
    const b = p.add(11, 11);
    const c = p.add(12, 14);
    expect(p.committable()).toBe(10);
    b.done = true;
    expect(p.committable()).toBe(10);
    a.done = true;
    expect(p.committable()).toBe(12);
    c.done = true;
    expect(p.committable()).toBe(15);
    expect(p.inFlight).toBe(0);
  });

  it('knows which offsets it already took', () => {
    const p = new PartitionProgress();
    expect(p.committable()).toBeNull();
    p.add(5, 7);
    expect(p.seen(6)).toBe(true);
    expect(p.seen(8)).toBe(false);
  });
});
