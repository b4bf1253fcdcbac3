import { useState, type FormEvent } from "react";
import { messageOf } from "../api/errors";
import { useApi } from "../auth";
import { Alert } from "../components/Alert";
import { TextField } from "../components/Field";
import { Spinner } from "../components/Spinner";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { Link } from "../router";

export function ForgotPasswordPage() {
  useDocumentTitle("Reset your password");
  const api = useApi();
  const [email, setEmail] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.forgotPassword(email.trim());
      setSentTo(email.trim());
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1 tabIndex={-1}>Reset your password</h1>
      {sentTo ? (
        <>
          <Alert tone="success" title="Check your inbox">
            If an account uses <strong>{sentTo}</strong>, a link to choose a new password is on its way. It works for one hour.
          </Alert>
          <p className="auth-switch">
            <Link to="/login" className="text-link">
              Back to sign in
            </Link>
          </p>
        </>
      ) : (
        <>
          <p className="auth-lede">Enter the address you signed up with and we will mail you a link to choose a new password.</p>
          {error && <Alert>{error}</Alert>}
          <form className="form" onSubmit={submit} noValidate>
            <TextField label="Email" type="email" name="email" autoComplete="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
            <button type="submit" className="button button-primary button-block" disabled={busy}>
              {busy && <Spinner />}
              Send reset link
            </button>
          </form>
          <p className="auth-switch">
            Remembered it?{" "}
            <Link to="/login" className="text-link">
              Sign in
            </Link>
          </p>
        </>
      )}
    </>
  );
}
