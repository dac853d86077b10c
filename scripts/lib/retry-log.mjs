// Reading the dispatcher's log for what the scenario and the fault suite check about retries.

/**
 * From the dispatcher's JSON log: which attempts were logged as failed (`eventId#attempt`), and per retry
 * (`eventId#attempt`) the earliest due time announced for it. A crash may run an attempt twice, each
 * scheduling its own retry, so a retry counts as early only before the earliest announcement.
 */
export function retryAnnouncements(logText, idPrefix = '') {
  const failed = new Set();
  const due = new Map();
  for (const line of logText.split('\n')) {
    if (!line.startsWith('{') || !line.includes('"delivery attempt failed"')) continue;
    const l = JSON.parse(line);
    if (!String(l['event.id']).startsWith(idPrefix)) continue;
    failed.add(`${l['event.id']}#${l.attempt}`);
    if (!l['event.next_attempt_at']) continue;
    const key = `${l['event.id']}#${l.attempt + 1}`;
    due.set(key, Math.min(due.get(key) ?? Infinity, Date.parse(l['event.next_attempt_at'])));
  }
  return { failed, due };
}
