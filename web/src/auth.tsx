import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { ApiClient } from "./api/client";
import type { Session } from "./api/session";

interface AuthValue {
  api: ApiClient;
  /** The signed-in session, shared with the other tabs; null when signed out. */
  session: Session | null;
}

const AuthContext = createContext<AuthValue | null>(null);

/** Gives the app the API client and follows its session (signing in or out in any tab shows here). */
export function AuthProvider({ api, children }: { api: ApiClient; children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => api.store.read());
  useEffect(() => {
    setSession(api.store.read());
    return api.store.subscribe(setSession);
  }, [api]);
  const value = useMemo(() => ({ api, session }), [api, session]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth needs an AuthProvider");
  return value;
}

export function useApi(): ApiClient {
  return useAuth().api;
}
