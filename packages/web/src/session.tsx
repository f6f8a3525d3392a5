// Who is signed in, and how far the platform is set up (for the first-run guide).
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, setCsrfToken } from './api/client';
import type { Account, Setup } from './api/types';

interface SessionState {
  loaded: boolean;
  account: Account | null;
  setup: Setup | null;
  /** Call after sign-up or sign-in with what the API returned. */
  signedIn(info: { account: Account; csrfToken: string }): void;
  signOut(): Promise<void>;
  /** Ends every session of the account (this one too). */
  signOutEverywhere(): Promise<void>;
  /** Call after the account changed (its profile). */
  updated(account: Account): void;
  refreshSetup(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [loaded, setLoaded] = useState(false);
  const [account, setAccount] = useState<Account | null>(null);
  const [setup, setSetup] = useState<Setup | null>(null);

  const refreshSetup = useCallback(async () => {
    try {
      setSetup(await api.get('/api/v1/setup'));
    } catch {
      setSetup(null);
    }
  }, []);

  useEffect(() => {
    let cancelled = false;
    // Neither can reject: the session falls back to none and refreshSetup catches its own failure.
    // refreshSetup sets state only after its request answers (the rule misreads that: react/react#34905).
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void Promise.all([api.get('/api/v1/auth/session').catch(() => null), refreshSetup()]).then(([s]) => {
      if (cancelled) return;
      setCsrfToken(s?.csrfToken ?? null);
      setAccount(s?.account ?? null);
      setLoaded(true);
    });
    return () => {
      cancelled = true;
    };
  }, [refreshSetup]);

  const signedIn = useCallback(
    (info: { account: Account; csrfToken: string }) => {
      setCsrfToken(info.csrfToken);
      setAccount(info.account);
      void refreshSetup();
    },
    [refreshSetup],
  );

  const signOut = useCallback(async () => {
    await api.post('/api/v1/auth/signout');
    setCsrfToken(null);
    setAccount(null);
  }, []);

  const signOutEverywhere = useCallback(async () => {
    await api.post('/api/v1/auth/signout-everywhere');
    setCsrfToken(null);
    setAccount(null);
  }, []);

  return (
    <SessionContext.Provider
      value={{
        loaded,
        account,
        setup,
        signedIn,
        signOut,
        signOutEverywhere,
        updated: setAccount,
        refreshSetup,
      }}
    >
      {children}
    </SessionContext.Provider>
  );
}

/** The session of the person using the app. */
export function useSession(): SessionState {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}
