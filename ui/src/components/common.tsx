import type { ComponentChildren } from 'preact';
import { formatTime } from '../format';
import type { Circuit, DeliveryStatus, EventStatus } from '../types';

export function ErrorMessage({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function StatusBadge({ status }: { status: DeliveryStatus | EventStatus | 'enabled' | 'disabled' }) {
  return <span class={`badge status-${status}`}>{status.replace('_', ' ')}</span>;
}

export function CircuitBadge({ circuit }: { circuit: Circuit | undefined }) {
  if (!circuit) return <span class="muted">—</span>;
  return <span class={`badge circuit-${circuit}`}>{circuit === 'half_open' ? 'half open' : circuit}</span>;
}

export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span class="muted">—</span>;
  return (
    <time dateTime={iso} title={iso}>
      {formatTime(iso)}
    </time>
  );
}

/** A secret or key the API shows only once: shown in a box with the warning that says so. */
export function ShownOnce({ label, value, children }: { label: string; value: string; children?: ComponentChildren }) {
  return (
    <div class="shown-once" role="status">
      <p>
        <strong>{label}</strong> — copy it now, it is not shown again.
      </p>
      <code class="secret" data-testid="shown-once-value">
        {value}
      </code>
      {children}
    </div>
  );
}

export function LoadMore({ cursor, loading, onMore }: { cursor: string | null | undefined; loading: boolean; onMore: () => void }) {
  if (!cursor) return null;
  return (
    <p>
      <button type="button" class="secondary" disabled={loading} onClick={onMore}>
        {loading ? 'Loading…' : 'Load more'}
      </button>
    </p>
  );
}

export function Field({ label, hint, children }: { label: string; hint?: string; children: ComponentChildren }) {
  return (
    <label class="field">
      <span class="label">{label}</span>
      {children}
      {hint ? <span class="hint">{hint}</span> : null}
    </label>
  );
}

/** A cell for text that may be long (URLs, errors): cut with an ellipsis, the whole text on hover. */
export function Clip({ text }: { text: string | null | undefined }) {
  if (!text) return <span class="muted">—</span>;
  return (
    <span class="clip" title={text}>
      {text}
    </span>
  );
}
