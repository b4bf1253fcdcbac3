import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from "react";
import { messageOf } from "../api/errors";
import type { CreatedShare, Share } from "../api/types";
import { useApi } from "../auth";
import { formatDateTime, formatRelative } from "../lib/format";
import { SHARE_DAYS, expiryText, shareRequest } from "../lib/shares";
import { Alert } from "./Alert";
import { CopyButton } from "./CopyButton";
import { ConfirmDialog, Dialog } from "./Dialog";
import { CheckboxField, TextField } from "./Field";
import { Icon } from "./Icon";
import { Loading, Spinner } from "./Spinner";
import { useToast } from "./Toasts";

/**
 * The job page's Share button and its dialog: make a read-only link (how many days it works, with
 * or without the recording), see it once to copy, and revoke the job's live links. While a link is
 * being revoked the dialog gives way to the confirmation, then comes back.
 */
export function ShareLinks({ jobId, title }: { jobId: string; title: string }) {
  const api = useApi();
  const notify = useToast();
  const [open, setOpen] = useState(false);
  const [shares, setShares] = useState<Share[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedShare | null>(null);
  const [revoking, setRevoking] = useState<Share | null>(null);

  const load = useCallback(async () => {
    try {
      setShares(await api.shares(jobId));
      setLoadError(null);
    } catch (caught) {
      setLoadError(messageOf(caught));
    }
  }, [api, jobId]);

  useEffect(() => {
    void load();
  }, [load]);

  const show = () => {
    setCreated(null);
    setOpen(true);
    void load();
  };

  const revoke = async () => {
    if (!revoking) return;
    await api.revokeShare(jobId, revoking.id);
    if (created?.id === revoking.id) setCreated(null);
    notify("The link is revoked: it no longer works.");
    await load();
  };

  const live = shares?.length ?? 0;
  return (
    <>
      <button type="button" className="button button-secondary" data-testid="share-open" onClick={show}>
        <Icon name="link" />
        Share
        {live > 0 && (
          <span className="pill pill-neutral" data-testid="share-count">
            {live}
            <span className="visually-hidden"> live {live === 1 ? "link" : "links"}</span>
          </span>
        )}
      </button>
      {open && !revoking && (
        <ShareDialog
          jobId={jobId}
          title={title}
          shares={shares}
          loadError={loadError}
          created={created}
          onCreated={(share) => {
            setCreated(share);
            void load();
          }}
          onAnother={() => setCreated(null)}
          onRevoke={setRevoking}
          onClose={() => setOpen(false)}
        />
      )}
      {revoking && (
        <ConfirmDialog title="Revoke this link?" confirmLabel="Revoke link" danger onConfirm={revoke} onClose={() => setRevoking(null)}>
          <p>
            Whoever has the link made {formatRelative(revoking.createdAt)} can no longer open “{title}” with it. This cannot be undone; you can make a new
            link at any time.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

interface ShareDialogProps {
  jobId: string;
  title: string;
  shares: Share[] | null;
  loadError: string | null;
  /** The link just made, shown until the dialog closes or another is asked for. */
  created: CreatedShare | null;
  onCreated: (share: CreatedShare) => void;
  onAnother: () => void;
  onRevoke: (share: Share) => void;
  onClose: () => void;
}

function ShareDialog({ jobId, title, shares, loadError, created, onCreated, onAnother, onRevoke, onClose }: ShareDialogProps) {
  const api = useApi();
  const formId = useId();
  const [days, setDays] = useState(String(SHARE_DAYS.default));
  const [includeMedia, setIncludeMedia] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const daysInput = useRef<HTMLInputElement>(null);
  const urlInput = useRef<HTMLInputElement>(null);
  const shown = useRef(created);

  // The new link selected once made; the form's first field again when another is asked for.
  useEffect(() => {
    if (created === shown.current) return;
    shown.current = created;
    const target = created ? urlInput.current : daysInput.current;
    target?.focus();
    if (created) urlInput.current?.select();
  }, [created]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const request = shareRequest(days, includeMedia);
    if ("problem" in request) {
      setProblem(request.problem);
      daysInput.current?.focus();
      return;
    }
    setProblem(null);
    setError(null);
    setBusy(true);
    try {
      onCreated(await api.createShare(jobId, request.body));
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`Share “${title}”`}
      onClose={busy ? () => undefined : onClose}
      initialFocus={created ? urlInput : daysInput}
      footer={
        created ? (
          <>
            <button type="button" className="button button-secondary" onClick={onAnother}>
              Make another link
            </button>
            <button type="button" className="button button-primary" onClick={onClose}>
              Done
            </button>
          </>
        ) : (
          <>
            <button type="button" className="button button-secondary" onClick={onClose} disabled={busy}>
              Cancel
            </button>
            <button type="submit" form={formId} className="button button-primary" data-testid="share-create" disabled={busy}>
              {busy ? <Spinner /> : <Icon name="link" />}
              Create link
            </button>
          </>
        )
      }
    >
      {created ? (
        <div className="share-created" data-testid="share-created">
          <label htmlFor={`${formId}-url`} className="field-label">
            Your new link
          </label>
          <div className="secret-row">
            <input
              ref={urlInput}
              id={`${formId}-url`}
              className="input secret"
              data-testid="share-url"
              value={created.url}
              readOnly
              spellCheck={false}
              onFocus={(event) => event.currentTarget.select()}
            />
            <CopyButton text={created.url} label="Copy link" copiedMessage="The link is copied." />
          </div>
          <p className="field-hint">
            Copy it now: it is shown only this once. Anyone with it can read the transcript without an account until {formatDateTime(created.expiresAt)}, or
            until you revoke it.
          </p>
        </div>
      ) : (
        <form id={formId} className="form share-form" onSubmit={create} noValidate>
          <p>Anyone with the link can read the transcript, without an account, until it expires or you revoke it.</p>
          <TextField
            label="Link works for (days)"
            inputRef={daysInput}
            data-testid="share-days"
            type="number"
            inputMode="numeric"
            min={SHARE_DAYS.min}
            max={SHARE_DAYS.max}
            step={1}
            value={days}
            onChange={(event) => {
              setDays(event.target.value);
              if (problem) setProblem(null);
            }}
            hint={`From ${SHARE_DAYS.min} to ${SHARE_DAYS.max} days.`}
            error={problem}
            disabled={busy}
          />
          <CheckboxField
            label="Include the recording"
            hint="The link's page then plays the audio too."
            data-testid="share-media"
            checked={includeMedia}
            onChange={(event) => setIncludeMedia(event.target.checked)}
            disabled={busy}
          />
          {error && <Alert>{error}</Alert>}
        </form>
      )}
      <LiveLinks shares={shares} loadError={loadError} onRevoke={onRevoke} />
    </Dialog>
  );
}

/** The job's live links, newest first, each with its Revoke button (never the token: it is not kept). */
function LiveLinks({ shares, loadError, onRevoke }: { shares: Share[] | null; loadError: string | null; onRevoke: (share: Share) => void }) {
  const now = Date.now();
  return (
    <section className="share-links" aria-labelledby="share-links-heading">
      <h3 id="share-links-heading" className="subheading">
        Live links
      </h3>
      {loadError && <Alert>{loadError}</Alert>}
      {!shares && !loadError && <Loading label="Loading the links…" />}
      {shares && shares.length === 0 && <p className="muted">No live links: nobody can open this transcript without signing in as you.</p>}
      {shares && (
        <ul className="share-list" data-testid="share-list">
          {shares.map((share) => (
            <li key={share.id} className="share-row" data-share-id={share.id}>
              <div className="share-row-text">
                <span>
                  Made{" "}
                  <time dateTime={share.createdAt} title={formatDateTime(share.createdAt)}>
                    {formatRelative(share.createdAt, now)}
                  </time>
                  , expires{" "}
                  <time dateTime={share.expiresAt} title={formatDateTime(share.expiresAt)}>
                    {expiryText(share.expiresAt, now)}
                  </time>
                </span>
                <span className={`pill ${share.includeMedia ? "pill-warning" : "pill-neutral"}`} data-media={share.includeMedia}>
                  {share.includeMedia ? "With audio" : "Transcript only"}
                </span>
              </div>
              <button
                type="button"
                className="button button-ghost button-small button-danger-text"
                data-testid="share-revoke"
                data-share-id={share.id}
                onClick={() => onRevoke(share)}
                aria-label={`Revoke the link made ${formatRelative(share.createdAt, now)}, expiring ${expiryText(share.expiresAt, now)}`}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
