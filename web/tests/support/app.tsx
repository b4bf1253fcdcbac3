import { ApiClient } from "../../src/api/client";
import { MemorySessionStore } from "../../src/api/session";
import type { User } from "../../src/api/types";
import { App } from "../../src/App";
import { AuthProvider } from "../../src/auth";
import { ToastProvider } from "../../src/components/Toasts";
import { RouterProvider } from "../../src/router";
import { fakeFetch, type Responder } from "./fetch";
import { render } from "./render";

/** The whole app at `path` over a scripted API, signed in as `user` (or signed out for null). */
export function renderApp(path: string, routes: Record<string, Responder>, user: User | null) {
  window.history.replaceState(null, "", path);
  const { fetch, calls } = fakeFetch(routes);
  const store = new MemorySessionStore(
    user ? { user, accessToken: "at_1", accessExpiresAt: Date.now() + 600_000, refreshToken: "rt_1" } : null,
  );
  const api = new ApiClient({ store, fetch });
  const view = render(
    <RouterProvider>
      <AuthProvider api={api}>
        <ToastProvider>
          <App />
        </ToastProvider>
      </AuthProvider>
    </RouterProvider>,
  );
  return { ...view, calls, store };
}
