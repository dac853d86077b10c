import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me } from './types';

/** Who the signed-in key is (GET /me), known on every page once signed in. */
export const MeContext = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside a signed-in page');
  return me;
}

export const isAdmin = (me: Me) => me.role === 'admin';
