import { useState, type FormEvent } from "react";
import { ApiError, messageOf } from "../api/errors";
import { useApi } from "../auth";
import { Alert } from "../components/Alert";
import { NewPasswordField } from "../components/Field";
import { Spinner } from "../components/Spinner";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { Link, useNavigate, useSearchParam } from "../router";

export function ResetPasswordPage() {
  useDocumentTitle("Choose a new password");
  const api = useApi();
  const navigate = useNavigate();
  const token = useSearchParam("token");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!token) return;
    setBusy(true);
    setError(null);
    try {
      await api.resetPassword(token, password);
      // Every session of the account is signed out by the reset, this one too.
      api.store.clear();
      navigate("/login?reset=1", { replace: true });
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, "unknown", messageOf(caught)));
      setBusy(false);
    }
  };

  if (!token) {
    return (
      <>
        <h1 tabIndex={-1}>Choose a new password</h1>
        <Alert title="This link is incomplete">
          Open the link from the reset mail exactly as it came, or{" "}
          <Link to="/forgot-password" className="text-link">
            ask for a new one
          </Link>
          .
        </Alert>
      </>
    );
  }

  return (
    <>
      <h1 tabIndex={-1}>Choose a new password</h1>
      <p className="auth-lede">
        Resetting it signs you out everywhere and revokes every API key of the account; you then sign in with the
        new one and create new keys for your scripts.
      </p>
      {error && (
        <Alert>
          {error.message}
          {error.code === "invalid_token" && (
            <>
              {" "}
              <Link to="/forgot-password" className="text-link">
                Ask for a new link
              </Link>
              .
            </>
          )}
        </Alert>
      )}
      <form className="form" onSubmit={submit} noValidate>
        <NewPasswordField label="New password" value={password} onChange={(event) => setPassword(event.target.value)} />
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy && <Spinner />}
          Set new password
        </button>
      </form>
    </>
  );
}
