import { formatMs } from '../format';
import type { Attempt } from '../types';
import { Clip, StatusBadge, Time } from './common';

/** Every attempt of one delivery, oldest first. */
export function AttemptTimeline({ attempts }: { attempts: Attempt[] }) {
  if (attempts.length === 0) return <p class="muted small">No attempt yet.</p>;
  const ordered = [...attempts].sort((a, b) => a.started_at.localeCompare(b.started_at) || a.attempt - b.attempt);
  return (
    <ol class="timeline" data-testid="attempts">
      {ordered.map((a) => (
        <li key={`${a.started_at}/${a.attempt}`} class={`attempt outcome-${a.outcome}`} data-outcome={a.outcome}>
          <div class="attempt-head">
            <strong>Attempt {a.attempt}</strong> <Time iso={a.started_at} /> <StatusBadge status={a.outcome} />
          </div>
          <dl class="attempt-facts">
            <dt>Answer</dt>
            <dd data-testid="attempt-status-code">{a.status_code ?? 'none'}</dd>
            <dt>Duration</dt>
            <dd>{formatMs(a.duration_ms)}</dd>
            {a.error ? (
              <>
                <dt>Error</dt>
                <dd>
                  <Clip text={a.error} />
                </dd>
              </>
            ) : null}
            {a.next_attempt_at ? (
              <>
                <dt>Next attempt</dt>
                <dd>
                  <Time iso={a.next_attempt_at} />
                </dd>
              </>
            ) : null}
          </dl>
        </li>
      ))}
    </ol>
  );
}
