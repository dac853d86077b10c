import { useState } from 'preact/hooks';
import { call, seg } from '../api';
import { fromLocalInput, hoursAgo, toLocalInput } from '../format';
import { useAction } from '../load';
import { isAdmin, useMe } from '../me';
import { eventPath } from '../router';
import type { Endpoint, RotatedSecret } from '../types';
import { ErrorMessage, Field, ShownOnce, Time } from './common';

interface Props {
  endpoint: Endpoint;
  /** The endpoint itself changed (enabled, secret). */
  onChanged: () => void;
  /** Deliveries were sent (recover, test). */
  onSent: () => void;
}

export function EndpointActions({ endpoint, onChanged, onSent }: Props) {
  const me = useMe();
  const path = `/webhooks/${seg(endpoint.id)}`;
  const toggle = useAction<Endpoint>();
  const rotate = useAction<RotatedSecret>();
  const test = useAction<{ event_id: string; status_url: string }>();

  return (
    <section aria-labelledby="actions-title" class="actions">
      <h2 id="actions-title">Actions</h2>
      <div class="action-row">
        <button
          type="button"
          class={endpoint.enabled ? 'danger' : ''}
          disabled={toggle.busy}
          onClick={() => toggle.run(() => call<Endpoint>('PATCH', path, { enabled: !endpoint.enabled }).finally(onChanged))}
        >
          {endpoint.enabled ? 'Disable endpoint' : 'Enable endpoint'}
        </button>
        <button type="button" class="secondary" disabled={rotate.busy} onClick={() => rotate.run(() => call<RotatedSecret>('POST', `${path}/secret/rotate`).finally(onChanged))}>
          Rotate secret
        </button>
        <button type="button" class="secondary" disabled={test.busy} onClick={() => test.run(() => call<{ event_id: string; status_url: string }>('POST', `${path}/test`).finally(onSent))}>
          Send test event
        </button>
      </div>
      <ErrorMessage message={toggle.error ?? rotate.error ?? test.error} />
      {rotate.result ? (
        <ShownOnce label="New signing secret" value={rotate.result.secret}>
          <p>
            The previous secret keeps signing beside it until <Time iso={rotate.result.previous_secret_expires_at} />.
          </p>
        </ShownOnce>
      ) : null}
      {test.result ? (
        <p role="status" data-testid="test-sent">
          Test event <a href={eventPath(test.result.event_id, endpoint.tenant_id, isAdmin(me))}>{test.result.event_id}</a> sent.
        </p>
      ) : null}
      <RecoverForm path={path} onSent={onSent} />
    </section>
  );
}

function RecoverForm({ path, onSent }: { path: string; onSent: () => void }) {
  const [since, setSince] = useState(() => toLocalInput(hoursAgo(1)));
  const [until, setUntil] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const recover = useAction<{ count: number }>();

  const submit = (e: Event) => {
    e.preventDefault();
    const sinceIso = fromLocalInput(since);
    const untilIso = fromLocalInput(until);
    if (!sinceIso) {
      setInvalid('Enter the start of the window.');
      return;
    }
    setInvalid(null);
    recover.run(() => call<{ count: number }>('POST', `${path}/recover`, untilIso ? { since: sinceIso, until: untilIso } : { since: sinceIso }).finally(onSent));
  };

  return (
    <form class="panel" onSubmit={submit} aria-label="Recover failed deliveries">
      <h3>Recover failed deliveries</h3>
      <p class="muted">Sends again every delivery to this endpoint that ended failed or skipped in the window (times are local).</p>
      <div class="inline-form">
        <Field label="From">
          <input name="since" type="datetime-local" required value={since} onInput={(e) => setSince(e.currentTarget.value)} />
        </Field>
        <Field label="Until (empty for now)">
          <input name="until" type="datetime-local" value={until} onInput={(e) => setUntil(e.currentTarget.value)} />
        </Field>
        <button type="submit" disabled={recover.busy}>
          Recover
        </button>
      </div>
      <ErrorMessage message={invalid ?? recover.error} />
      {recover.result ? (
        <p role="status" data-testid="recovered">
          {recover.result.count === 1 ? '1 delivery sent again.' : `${recover.result.count} deliveries sent again.`}
        </p>
      ) : null}
    </form>
  );
}
