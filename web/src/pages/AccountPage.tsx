import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { ApiError, messageOf } from "../api/errors";
import type { Me } from "../api/types";
import { useApi } from "../auth";
import { Alert } from "../components/Alert";
import { CopyButton } from "../components/CopyButton";
import { ConfirmDialog, Dialog } from "../components/Dialog";
import { NewPasswordField, PasswordField } from "../components/Field";
import { GlossaryForm } from "../components/GlossaryForm";
import { Icon } from "../components/Icon";
import { PageHeader } from "../components/Layout";
import { Loading, Spinner } from "../components/Spinner";
import { useToast } from "../components/Toasts";
import { UsageMeter } from "../components/UsageMeter";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { formatBytes, formatDate, formatDuration } from "../lib/format";
import { Link, useNavigate } from "../router";

/** "March 2026" for `2026-03`. */
export function monthName(month: string): string {
  const [year, number] = month.split("-").map(Number);
  if (!year || !number) return month;
  return new Date(Date.UTC(year, number - 1, 1)).toLocaleDateString("en", { month: "long", year: "numeric", timeZone: "UTC" });
}

function DeleteAccountDialog({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const navigate = useNavigate();
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!password) {
      setError("Enter your password to confirm.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.deleteAccount(password);
      navigate("/login?deleted=1", { replace: true });
    } catch (caught) {
      setError(messageOf(caught));
      setBusy(false);
    }
  };
  return (
    <Dialog title="Delete your account?" onClose={busy ? () => undefined : onClose} initialFocus={field}>
      <form className="form" onSubmit={submit} noValidate>
        <p>Your account, every transcript and recording, your API keys and usage are deleted at once. This cannot be undone.</p>
        <PasswordField
          label="Your password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={error}
          disabled={busy}
          inputRef={field}
        />
        <div className="dialog-footer">
          <button type="button" className="button button-secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button-danger" disabled={busy}>
            {busy && <Spinner />}
            Delete my account
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * The signed-in way to change the password: the current one, the new one twice. The service signs
 * every session out and answers with a new one for this tab, which the client stores.
 */
export function ChangePasswordForm({ email }: { email: string }) {
  const api = useApi();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [revokeKeys, setRevokeKeys] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<"kept" | "revoked" | false>(false);
  const [errors, setErrors] = useState<{ current?: string; next?: string; confirm?: string; form?: string }>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    const problems: typeof errors = {};
    if (!current) problems.current = "Enter your current password.";
    if (!next) problems.next = "Enter a new password.";
    else if (confirm !== next) problems.confirm = "The two new passwords are not the same.";
    setErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      await api.changePassword(current, next, revokeKeys);
      setCurrent("");
      setNext("");
      setConfirm("");
      setDone(revokeKeys ? "revoked" : "kept");
      setRevokeKeys(false);
    } catch (caught) {
      const message = messageOf(caught);
      const code = caught instanceof ApiError ? caught.code : "";
      setErrors(code === "wrong_password" ? { current: message } : code === "weak_password" ? { next: message } : { form: message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby="password-heading">
      <div aria-live="polite">
        {done ? (
          <Alert tone="success">
            Your password is changed. Every other device was signed out; this one stays signed in.
            {done === "revoked" && " Every API key was revoked."}
          </Alert>
        ) : (
          <p className="muted">Changing it signs you out on every other device; this one stays signed in.</p>
        )}
      </div>
      {/* For password managers: the account the new password belongs to. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      {errors.form && <Alert>{errors.form}</Alert>}
      <PasswordField
        label="Current password"
        name="current-password"
        autoComplete="current-password"
        required
        value={current}
        onChange={(event) => setCurrent(event.target.value)}
        error={errors.current}
        disabled={busy}
      />
      <NewPasswordField
        label="New password"
        value={next}
        onChange={(event) => setNext(event.target.value)}
        error={errors.next}
        disabled={busy}
      />
      <PasswordField
        label="Confirm new password"
        name="confirm-password"
        autoComplete="new-password"
        required
        value={confirm}
        onChange={(event) => setConfirm(event.target.value)}
        error={errors.confirm}
        disabled={busy}
      />
      <label className="toggle">
        <input type="checkbox" checked={revokeKeys} onChange={(event) => setRevokeKeys(event.target.checked)} disabled={busy} />
        <span>Also revoke every API key (if one may have leaked)</span>
      </label>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy && <Spinner />}
          Change password
        </button>
      </div>
    </form>
  );
}

export function AccountPage() {
  useDocumentTitle("Account");
  const api = useApi();
  const notify = useToast();
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showSecret, setShowSecret] = useState(false);
  const [rotating, setRotating] = useState(false);
  const [deleting, setDeleting] = useState(false);

  const load = useCallback(async () => {
    try {
      setMe(await api.me());
      setError(null);
    } catch (caught) {
      setError(messageOf(caught));
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  const rotate = async () => {
    const { webhookSecret } = await api.rotateWebhookSecret();
    setMe((current) => current && { ...current, webhookSecret });
    setShowSecret(true);
    notify("The webhook secret is rotated. Update your receiver.");
  };

  return (
    <div className="page page-narrow">
      <PageHeader title="Account" description="Your plan and usage, your glossary, the secret that signs your webhooks, and your account." />
      {error && (
        <Alert
          action={
            <button type="button" className="button button-secondary button-small" onClick={load}>
              Try again
            </button>
          }
        >
          {error}
        </Alert>
      )}
      {!me && !error && <Loading label="Loading your account…" />}
      {me && (
        <>
          <section className="card" aria-labelledby="profile-heading">
            <h2 id="profile-heading" className="card-title">
              Profile
            </h2>
            <dl className="facts">
              <div>
                <dt>Email</dt>
                <dd>
                  {me.user.email}{" "}
                  {me.user.emailVerified ? (
                    <span className="pill pill-success">Confirmed</span>
                  ) : (
                    <span className="pill pill-warning">Not confirmed yet</span>
                  )}
                </dd>
              </div>
              <div>
                <dt>Plan</dt>
                <dd>
                  <span className="capitalize">{me.plan}</span>{" "}
                  <Link to="/billing" className="text-link dd-link">
                    Billing and invoices
                  </Link>
                </dd>
              </div>
              <div>
                <dt>Member since</dt>
                <dd>{formatDate(me.user.createdAt)}</dd>
              </div>
            </dl>
          </section>

          <section className="card" aria-labelledby="usage-heading">
            <h2 id="usage-heading" className="card-title">
              Usage in {monthName(me.usage.month)}
            </h2>
            <UsageMeter usedMinutes={me.usage.audioSeconds / 60} limitMinutes={me.limits.monthlyAudioMinutes} />
            <dl className="facts facts-grid">
              <div>
                <dt>Jobs this month</dt>
                <dd>{me.usage.jobs}</dd>
              </div>
              <div>
                <dt>Jobs running at once</dt>
                <dd>up to {me.limits.jobsInFlight}</dd>
              </div>
              <div>
                <dt>Largest upload</dt>
                <dd>{formatBytes(me.limits.maxUploadBytes)}</dd>
              </div>
              <div>
                <dt>Longest recording</dt>
                <dd>{formatDuration(me.limits.maxFileSeconds)}</dd>
              </div>
            </dl>
          </section>

          <section className="card" aria-labelledby="glossary-heading">
            <h2 id="glossary-heading" className="card-title">
              Glossary
            </h2>
            <p className="muted">Names, products and jargon the transcription should expect in every recording.</p>
            <GlossaryForm initial={me.vocabulary ?? []} onSaved={(vocabulary) => setMe((current) => current && { ...current, vocabulary })} />
          </section>

          <section className="card" aria-labelledby="webhook-heading">
            <h2 id="webhook-heading" className="card-title">
              Webhook signing secret
            </h2>
            <p className="muted">
              Each webhook carries a <code>Transcriptor-Signature</code> header: an HMAC-SHA256 of its timestamp and body under this
              secret. Check it before trusting a delivery.
            </p>
            <div className="secret-row">
              <code className="secret" data-testid="webhook-secret" aria-label={showSecret ? "Webhook secret" : "Webhook secret, hidden"}>
                {showSecret ? me.webhookSecret : "•".repeat(Math.min(32, me.webhookSecret.length))}
              </code>
              <button type="button" className="button button-secondary" onClick={() => setShowSecret((value) => !value)} aria-pressed={showSecret}>
                <Icon name={showSecret ? "eyeOff" : "eye"} />
                {showSecret ? "Hide" : "Show"}
              </button>
              <CopyButton text={me.webhookSecret} copiedMessage="The webhook secret is copied." />
              <button type="button" className="button button-secondary" onClick={() => setRotating(true)}>
                <Icon name="refresh" />
                Rotate
              </button>
            </div>
          </section>

          <section className="card" aria-labelledby="password-heading">
            <h2 id="password-heading" className="card-title">
              Password
            </h2>
            <ChangePasswordForm email={me.user.email} />
          </section>

          <section className="card card-danger" aria-labelledby="danger-heading">
            <h2 id="danger-heading" className="card-title">
              Delete account
            </h2>
            <div className="card-row">
              <p className="muted">Deletes your account and all its data (transcripts, recordings, API keys) at once.</p>
              <button type="button" className="button button-danger" onClick={() => setDeleting(true)}>
                <Icon name="trash" />
                Delete account…
              </button>
            </div>
          </section>
        </>
      )}

      {rotating && (
        <ConfirmDialog title="Rotate the webhook secret?" confirmLabel="Rotate secret" onConfirm={rotate} onClose={() => setRotating(false)}>
          <p>Webhooks are signed with a new secret from now on; signatures made with the current one stop matching. Update your receiver right after.</p>
        </ConfirmDialog>
      )}
      {deleting && <DeleteAccountDialog onClose={() => setDeleting(false)} />}
    </div>
  );
}
