import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ApiClient } from "./api/client";
import { LocalStorageSessionStore, MemorySessionStore, type SessionStore } from "./api/session";
import { Root } from "./Root";

function sessionStore(): SessionStore {
  try {
    window.localStorage.setItem("transcriptor.probe", "1");
    window.localStorage.removeItem("transcriptor.probe");
    return new LocalStorageSessionStore();
  } catch {
    return new MemorySessionStore(); // Storage blocked: signed in for this tab only.
  }
}

const api = new ApiClient({ store: sessionStore() });
const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <Root api={api} />
    </StrictMode>,
  );
}
