import { useApi } from "../auth";
import { Alert } from "../components/Alert";
import { NewPasswordField, TextField } from "../components/Field";
import { Spinner } from "../components/Spinner";
import { useCredentialsForm } from "../hooks/useCredentialsForm";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { Link, useSearchParam } from "../router";
import { safeNext } from "./LoginPage";

export function SignupPage() {
  useDocumentTitle("Create your account");
  const api = useApi();
  const next = safeNext(useSearchParam("next"));
  const { email, setEmail, password, setPassword, busy, error, submit } = useCredentialsForm(
    (email, password) => api.signup(email, password),
    next,
  );

  return (
    <>
      <h1 tabIndex={-1}>Create your account</h1>
      <p className="auth-lede">Upload a recording or paste a link, and get a timed transcript in minutes.</p>
      {error && <Alert>{error}</Alert>}
      <form className="form" onSubmit={submit} noValidate>
        <TextField label="Email" type="email" name="email" autoComplete="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
        <NewPasswordField label="Password" value={password} onChange={(event) => setPassword(event.target.value)} />
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy && <Spinner />}
          {busy ? "Creating your account…" : "Create account"}
        </button>
      </form>
      <p className="auth-switch">
        Already have an account?{" "}
        <Link to="/login" className="text-link">
          Sign in
        </Link>
      </p>
    </>
  );
}
