import { useState } from 'preact/hooks';
import { call, errorText } from '../api';
import { ErrorMessage, Field } from '../components/common';
import type { Me } from '../types';

/**
 * Sign in with an admin or tenant key. The form posts nowhere: if the script failed, a browser submitting
 * it by itself would otherwise put the key in the address (GET) — with method=post it never does.
 */
export function SignInPage({ notice, onSignedIn }: { notice: string | null; onSignedIn: (key: string, me: Me) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = (e: Event) => {
    e.preventDefault();
    const candidate = key.trim();
    if (!candidate) {
      setError('Enter an API key.');
      return;
    }
    setBusy(true);
    setError(null);
    call<Me>('GET', '/me', undefined, candidate).then(
      (me) => onSignedIn(candidate, me),
      (err: unknown) => {
        setError(errorText(err));
        setBusy(false);
      },
    );
  };

  return (
    <main class="narrow sign-in">
      <h1>hookstream</h1>
      <p>Sign in with an admin key or a tenant key. The key stays in this browser tab only and is forgotten when you sign out or close the tab.</p>
      {notice ? <ErrorMessage message={`Signed out: ${notice}`} /> : null}
      <form method="post" onSubmit={submit} aria-label="Sign in">
        <Field label="API key">
          <input name="key" type="password" autoComplete="off" spellcheck={false} required value={key} onInput={(e) => setKey(e.currentTarget.value)} />
        </Field>
        <ErrorMessage message={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
