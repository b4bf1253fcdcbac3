import { useApi } from "../auth";
import { Alert } from "../components/Alert";
import { PasswordField, TextField } from "../components/Field";
import { Spinner } from "../components/Spinner";
import { useCredentialsForm } from "../hooks/useCredentialsForm";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { Link, useSearchParam } from "../router";

/** Where to go after signing in: a path inside the app, never another site. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  return next;
}

const NOTICES: Record<string, string> = {
  signedOut: "You are signed out.",
  expired: "Your session has ended. Sign in again to continue.",
  reset: "Your password is changed. Sign in with the new one.",
  deleted: "Your account and all its data are deleted.",
};

export function LoginPage() {
  useDocumentTitle("Sign in");
  const api = useApi();
  const next = safeNext(useSearchParam("next"));
  const notice = Object.keys(NOTICES).find((key) => new URLSearchParams(window.location.search).has(key));
  const { email, setEmail, password, setPassword, busy, error, submit } = useCredentialsForm(
    (email, password) => api.login(email, password),
    next,
  );

  return (
    <>
      <h1 tabIndex={-1}>Sign in</h1>
      <p className="auth-lede">Welcome back. Sign in to your transcripts.</p>
      {notice && !error && <Alert tone={notice === "expired" ? "info" : "success"}>{NOTICES[notice]}</Alert>}
      {error && <Alert>{error}</Alert>}
      <form className="form" onSubmit={submit} noValidate>
        <TextField label="Email" type="email" name="email" autoComplete="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
        <PasswordField
          label="Password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <div className="form-row-end">
          <Link to="/forgot-password" className="text-link">
            Forgot your password?
          </Link>
        </div>
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy && <Spinner />}
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className="auth-switch">
        New to Transcriptor?{" "}
        <Link to={next === "/" ? "/signup" : `/signup?next=${encodeURIComponent(next)}`} className="text-link">
          Create an account
        </Link>
      </p>
    </>
  );
}
