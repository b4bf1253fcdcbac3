import { ApiClient } from "../../src/api/client";
import { MemorySessionStore } from "../../src/api/session";
import type { User } from "../../src/api/types";
import { Root } from "../../src/Root";
import { fakeFetch, type Responder } from "./fetch";
import { render } from "./render";

/** The whole app, as main.tsx mounts it, at `path` over a scripted API, signed in as `user` (or signed out for null). */
export function renderApp(path: string, routes: Record<string, Responder>, user: User | null) {
  window.history.replaceState(null, "", path);
  const { fetch, calls } = fakeFetch(routes);
  const store = new MemorySessionStore(
    user ? { user, accessToken: "at_1", accessExpiresAt: Date.now() + 600_000 } : null,
  );
  const api = new ApiClient({ store, fetch });
  const view = render(<Root api={api} />);
  return { ...view, calls, store };
}
