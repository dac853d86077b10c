/** Whether a held delivery may go now, and if not, how long until it may. Never early; 0 means go. */
export function waitMs(dueAt: string, now: number): number {
  const due = Date.parse(dueAt);
  return Number.isNaN(due) ? 0 : Math.max(0, due - now);
}
