import type { AuthResult, User } from "./types";

/**
 * What a signed-in browser keeps where its scripts can read it: the user and the short-lived
 * access token, in localStorage so that every tab shares them and a tab can reuse the token
 * another tab just got instead of refreshing again. The long-lived refresh token is not here: the
 * service keeps it in an HttpOnly cookie (scoped to /v1/auth) that the browser sends on refresh
 * and logout, and that no script, this app's or an injected one, can read.
 */
export interface Session {
  user: User;
  accessToken: string;
  /** Epoch milliseconds after which the access token is no longer accepted. */
  accessExpiresAt: number;
}

export interface SessionStore {
  read(): Session | null;
  write(session: Session): void;
  clear(): void;
  /** Called when the session changes, in this tab or another; returns the unsubscriber. */
  subscribe(listener: (session: Session | null) => void): () => void;
}

export function sessionFromAuth(result: AuthResult, now: number = Date.now()): Session {
  return {
    user: result.user,
    accessToken: result.accessToken,
    accessExpiresAt: now + result.expiresIn * 1000,
  };
}

function parseSession(raw: string | null): Session | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<Session>;
    if (typeof value.accessToken === "string" && typeof value.accessExpiresAt === "number" && value.user && typeof value.user.email === "string") {
      // Only these fields: a refresh token an older version stored here is dropped with the rest.
      return { user: value.user, accessToken: value.accessToken, accessExpiresAt: value.accessExpiresAt };
    }
  } catch {
    // A damaged entry counts as signed out.
  }
  return null;
}

/** The session in `localStorage`, shared by the tabs of this origin (they hear each other's changes). */
export class LocalStorageSessionStore implements SessionStore {
  private readonly listeners = new Set<(session: Session | null) => void>();

  constructor(
    private readonly storage: Storage = window.localStorage,
    private readonly key = "transcriptor.session",
    target: Pick<Window, "addEventListener"> | null = typeof window === "undefined" ? null : window,
  ) {
    target?.addEventListener("storage", (event: StorageEvent) => {
      if (event.key === this.key || event.key === null) this.emit(this.read());
    });
  }

  read(): Session | null {
    try {
      const raw = this.storage.getItem(this.key);
      const session = parseSession(raw);
      if (raw && raw.includes("refreshToken")) {
        // Stored by an older version: the long-lived token leaves the storage scripts can read.
        if (session) this.storage.setItem(this.key, JSON.stringify(session));
        else this.storage.removeItem(this.key);
      }
      return session;
    } catch {
      return null;
    }
  }

  write(session: Session): void {
    const { user, accessToken, accessExpiresAt } = session; // Nothing else, whatever the caller spread in.
    this.storage.setItem(this.key, JSON.stringify({ user, accessToken, accessExpiresAt }));
    this.emit(session);
  }

  clear(): void {
    this.storage.removeItem(this.key);
    this.emit(null);
  }

  subscribe(listener: (session: Session | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(session: Session | null): void {
    for (const listener of [...this.listeners]) listener(session);
  }
}

/** A session kept in memory (tests, or a browser without storage). */
export class MemorySessionStore implements SessionStore {
  private session: Session | null;
  private readonly listeners = new Set<(session: Session | null) => void>();

  constructor(initial: Session | null = null) {
    this.session = initial;
  }

  read(): Session | null {
    return this.session ? { ...this.session } : null;
  }

  write(session: Session): void {
    this.session = { ...session };
    for (const listener of [...this.listeners]) listener(this.read());
  }

  clear(): void {
    this.session = null;
    for (const listener of [...this.listeners]) listener(null);
  }

  subscribe(listener: (session: Session | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
