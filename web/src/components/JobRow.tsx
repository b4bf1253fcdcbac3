import { memo, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { messageOf } from "../api/errors";
import { isInFlight, type Job } from "../api/types";
import { formatDateTime, formatDuration, formatRelative } from "../lib/format";
import { Link } from "../router";
import { Icon } from "./Icon";
import { JobProgress } from "./JobProgress";
import { TagChips } from "./JobTags";
import { Spinner } from "./Spinner";
import { StatusBadge } from "./StatusBadge";

interface JobRowProps {
  job: Job;
  now: number;
  onRename: (job: Job, title: string) => Promise<void>;
  onDelete: (job: Job) => void;
  /** Where a click on one of the job's tags leads (the dashboard filtered by it). */
  tagHref?: (tag: string) => string;
}

/** One job in the dashboard: title (renamable in place), its tags, status and live progress, when, actions. */
export const JobRow = memo(function JobRow({ job, now, onRename, onDelete, tagHref }: JobRowProps) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(job.title);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const renameButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);

  useEffect(() => {
    if (editing) {
      input.current?.focus();
      input.current?.select();
    } else if (wasEditing.current) {
      renameButton.current?.focus();
    }
    wasEditing.current = editing;
  }, [editing]);

  const startEditing = () => {
    setTitle(job.title);
    setError(null);
    setEditing(true);
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = title.trim();
    if (trimmed === job.title) {
      setEditing(false);
      return;
    }
    if (!trimmed) {
      setError("A title can't be empty.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onRename(job, trimmed);
      setEditing(false);
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape") {
      event.preventDefault();
      setEditing(false);
    }
  };

  const errorId = `rename-error-${job.id}`;
  return (
    <li className={`job-row job-row-${job.status}`} data-job-id={job.id}>
      <div className="job-main">
        {editing ? (
          <form className="rename-form" onSubmit={save} onKeyDown={onKeyDown}>
            <input
              ref={input}
              className="input input-small"
              value={title}
              maxLength={200}
              onChange={(event) => setTitle(event.target.value)}
              aria-label={`New title for “${job.title}”`}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : undefined}
              disabled={busy}
            />
            <button type="submit" className="button button-primary button-small" disabled={busy}>
              {busy && <Spinner />}
              Save
            </button>
            <button type="button" className="button button-ghost button-small" onClick={() => setEditing(false)} disabled={busy}>
              Cancel
            </button>
            {error && (
              <p id={errorId} className="field-error" role="alert">
                {error}
              </p>
            )}
          </form>
        ) : (
          <Link to={`/jobs/${encodeURIComponent(job.id)}`} className="job-title">
            {job.title}
          </Link>
        )}
        <p className="job-meta">
          {job.filename && job.filename !== job.title && (
            <span className="job-filename">
              <Icon name={job.source.type === "url" ? "link" : "file"} size={14} />
              {job.filename}
            </span>
          )}
          {job.durationSec !== null && <span>{formatDuration(job.durationSec)}</span>}
          <time dateTime={job.createdAt} title={formatDateTime(job.createdAt)}>
            {formatRelative(job.createdAt, now)}
          </time>
        </p>
        <TagChips tags={job.tags ?? []} tagHref={tagHref} />
        {job.status === "failed" && job.error && (
          <p className="job-error">
            <Icon name="alert" size={14} /> {job.error.message}
          </p>
        )}
      </div>
      <div className="job-state">
        <StatusBadge status={job.status} />
        {isInFlight(job) && <JobProgress job={job} />}
      </div>
      <div className="job-actions">
        <button ref={renameButton} type="button" className="icon-button" onClick={startEditing} aria-label={`Rename “${job.title}”`} title="Rename" disabled={editing}>
          <Icon name="pencil" />
        </button>
        <button type="button" className="icon-button icon-button-danger" onClick={() => onDelete(job)} aria-label={`Delete “${job.title}”`} title="Delete">
          <Icon name="trash" />
        </button>
      </div>
    </li>
  );
});
