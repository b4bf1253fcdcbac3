import type { ApiClient } from "./api/client";
import { App } from "./App";
import { AuthProvider } from "./auth";
import { ToastProvider } from "./components/Toasts";
import { RouterProvider } from "./router";

/** The app inside what it runs in: the router, the session over `api`, and the toasts. */
export function Root({ api }: { api: ApiClient }) {
  return (
    <RouterProvider>
      <AuthProvider api={api}>
        <ToastProvider>
          <App />
        </ToastProvider>
      </AuthProvider>
    </RouterProvider>
  );
}
