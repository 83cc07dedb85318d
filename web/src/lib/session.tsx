import { createContext, useContext, type ReactNode } from 'react';
import type { Me, Permission } from './api';

export interface Session extends Me {
  can: (p: Permission) => boolean;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ me, children }: { me: Me; children: ReactNode }) {
  const value: Session = { ...me, can: (p) => me.permissions.includes(p) };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

const FLAG = 'custos.signedIn';

/** Whether this browser signed in and has not signed out since (the session cookie itself is httpOnly). */
export function hasSignedIn(): boolean {
  try {
    return localStorage.getItem(FLAG) === '1';
  } catch {
    return true;
  }
}

export function markSignedIn(on: boolean): void {
  try {
    if (on) localStorage.setItem(FLAG, '1');
    else localStorage.removeItem(FLAG);
  } catch {
    /* storage unavailable: /auth/me is asked every time */
  }
}
