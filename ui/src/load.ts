import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` when the page mounts and whenever `key` changes; an answer that arrives after a newer load
 * started is dropped, so a slow old request never overwrites what the page shows now.
 */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | null; loading: boolean }>({ data: undefined, error: null, loading: true });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current().then(
      (data) => mine === generation.current && setState({ data, error: null, loading: false }),
      (e: unknown) => mine === generation.current && setState((s) => ({ data: s.data, error: errorText(e), loading: false })),
    );
  }, []);

  useEffect(() => {
    setState({ data: undefined, error: null, loading: true });
    run();
    return () => {
      generation.current++;
    };
  }, [key, run]);

  return { ...state, reload: run };
}

/** Calls `tick` every `ms` while `active`; stops on unmount. */
export function useInterval(tick: () => void, ms: number, active: boolean): void {
  const tickRef = useRef(tick);
  tickRef.current = tick;
  useEffect(() => {
    if (!active) return undefined;
    const timer = window.setInterval(() => tickRef.current(), ms);
    return () => window.clearInterval(timer);
  }, [ms, active]);
}

export interface Action<T> {
  busy: boolean;
  error: string | null;
  result: T | undefined;
  run: (perform: () => Promise<T>) => void;
}

/** One button's call: busy while it runs, then its result or the API's error message. */
export function useAction<T>(): Action<T> {
  const [state, setState] = useState<{ busy: boolean; error: string | null; result: T | undefined }>({ busy: false, error: null, result: undefined });
  const run = useCallback((perform: () => Promise<T>) => {
    setState({ busy: true, error: null, result: undefined });
    perform().then(
      (result) => setState({ busy: false, error: null, result }),
      (e: unknown) => setState({ busy: false, error: errorText(e), result: undefined }),
    );
  }, []);
  return { ...state, run };
}
