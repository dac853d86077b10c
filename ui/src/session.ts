// The signed-in key lives only in this tab's sessionStorage: never in a URL, a cookie or a log line.
// It leaves the page only as the `Authorization: Bearer` header of calls to this origin (api.ts).

const STORAGE_KEY = 'hookstream.key';

type Listener = (notice: string | null) => void;
const listeners = new Set<Listener>();

export function storedKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function signIn(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
  notify(null);
}

/** Forgets the key; `notice` tells the sign-in page why (a key the API stopped accepting). */
export function signOut(notice: string | null = null): void {
  sessionStorage.removeItem(STORAGE_KEY);
  notify(notice);
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(notice: string | null): void {
  for (const listener of listeners) listener(notice);
}
