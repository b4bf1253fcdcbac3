import { useEffect, useRef, useState } from "react";
import { messageOf } from "../api/errors";
import { useAuth } from "../auth";
import { Alert } from "../components/Alert";
import { Loading } from "../components/Spinner";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { Link, useSearchParam } from "../router";

type State = { kind: "working" } | { kind: "done" } | { kind: "failed"; message: string };

/** Spends the token of the verification link once, as soon as the page opens. */
export function VerifyEmailPage() {
  useDocumentTitle("Confirm your email");
  const { api, session } = useAuth();
  const token = useSearchParam("token");
  const [state, setState] = useState<State>(token ? { kind: "working" } : { kind: "failed", message: "This link is incomplete. Open the link from the mail exactly as it came." });
  const sent = useRef(false);

  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true; // The token works once: never send it twice.
    api
      .verifyEmail(token)
      .then(async () => {
        setState({ kind: "done" });
        if (api.store.read()) await api.me().catch(() => undefined); // Drops the reminder.
      })
      .catch((error) => setState({ kind: "failed", message: messageOf(error) }));
  }, [api, token]);

  return (
    <>
      <h1 tabIndex={-1}>Confirm your email</h1>
      {state.kind === "working" && <Loading label="Confirming your address…" />}
      {state.kind === "done" && (
        <Alert tone="success" title="Your address is confirmed">
          Thank you. Mail about your account and your jobs will reach you there.
        </Alert>
      )}
      {state.kind === "failed" && <Alert title="The address could not be confirmed">{state.message}</Alert>}
      {state.kind !== "working" && (
        <p className="auth-switch">
          {session ? (
            <Link to="/" className="button button-primary button-block">
              Go to your transcripts
            </Link>
          ) : (
            <Link to="/login" className="button button-primary button-block">
              Sign in
            </Link>
          )}
        </p>
      )}
    </>
  );
}
