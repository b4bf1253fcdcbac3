import { useCallback, useEffect, useRef, useState } from "react";
import { messageOf } from "../api/errors";
import { isInFlight, type Job, type JobList } from "../api/types";
import { useApi } from "../auth";
import { Alert } from "../components/Alert";
import { ConfirmDialog } from "../components/Dialog";
import { Icon } from "../components/Icon";
import { JobRow } from "../components/JobRow";
import { PageHeader } from "../components/Layout";
import { Loading } from "../components/Spinner";
import { useToast } from "../components/Toasts";
import { useDebounced } from "../hooks/useDebounced";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { usePolling } from "../hooks/usePolling";
import { statusChanges } from "../lib/jobs";
import { dashboardPath } from "../lib/tags";
import { Link, useNavigate, useSearchParam } from "../router";

export const PAGE_SIZE = 20;
/** How often the list is looked at again while a job on it is still running. */
export const POLL_MS = 1500;

export function JobsPage() {
  useDocumentTitle("Transcripts");
  const api = useApi();
  const navigate = useNavigate();
  const notify = useToast();
  const urlQuery = useSearchParam("q") ?? "";
  /** The tag the list is filtered by: the address's `tag` (a tag's link sets it, the clear button drops it). */
  const tag = useSearchParam("tag")?.trim() || null;
  const [query, setQuery] = useState(urlQuery);
  const search = useDebounced(query.trim(), 300);
  // The cursors of the pages up to the one shown (null: the first page).
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1];
  const [list, setList] = useState<JobList | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Job | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const [now, setNow] = useState(() => Date.now());
  const latest = useRef<JobList | null>(null);
  const requestId = useRef(0);

  const load = useCallback(
    async (quiet: boolean) => {
      const id = ++requestId.current;
      if (!quiet) setLoading(true);
      try {
        const result = await api.listJobs({ limit: PAGE_SIZE, cursor, q: search, tag });
        if (id !== requestId.current) return; // A newer look (another page or search) won.
        const changes = latest.current ? statusChanges(latest.current.jobs, result.jobs) : [];
        if (changes.length) setAnnouncement(changes.join(" "));
        latest.current = result;
        setList(result);
        setError(null);
        setNow(Date.now());
      } catch (caught) {
        if (id !== requestId.current) return;
        setError(messageOf(caught));
      } finally {
        if (id === requestId.current) setLoading(false);
      }
    },
    [api, cursor, search, tag],
  );

  useEffect(() => {
    void load(false);
  }, [load]);

  // The address changed under the page (back, the Transcripts link): its search wins.
  useEffect(() => {
    setQuery((current) => (current.trim() === urlQuery ? current : urlQuery));
  }, [urlQuery]);

  // A new search starts from the first page, and is kept in the address (back, reload, share).
  useEffect(() => {
    setCursors([null]);
    const params = new URLSearchParams(window.location.search);
    if (search) params.set("q", search);
    else params.delete("q");
    const next = params.toString();
    if (next !== window.location.search.replace(/^\?/, "")) navigate(`/${next ? `?${next}` : ""}`, { replace: true });
  }, [search, navigate]);

  // Another tag starts from the first page too.
  useEffect(() => setCursors([null]), [tag]);

  const tagHref = useCallback((name: string) => dashboardPath({ q: search, tag: name }), [search]);

  const running = Boolean(list?.jobs.some(isInFlight));
  usePolling(() => load(true), POLL_MS, running);

  const rename = useCallback(
    async (job: Job, title: string) => {
      const updated = await api.renameJob(job.id, title);
      setList((current) => current && { ...current, jobs: current.jobs.map((item) => (item.id === updated.id ? updated : item)) });
      notify(`Renamed to “${updated.title}”.`);
    },
    [api, notify],
  );

  const confirmDelete = async () => {
    if (!deleting) return;
    await api.deleteJob(deleting.id);
    notify(`Deleted “${deleting.title}”.`);
    const remaining = (list?.jobs.length ?? 1) - 1;
    if (remaining === 0 && cursors.length > 1) setCursors((all) => all.slice(0, -1));
    else await load(true);
    // The row (and the button that opened the dialog) is gone: continue from the page's heading.
    setTimeout(() => document.querySelector<HTMLElement>("main h1")?.focus(), 0);
  };

  const jobs = list?.jobs ?? [];
  const page = cursors.length;
  const empty = !loading && !error && jobs.length === 0;

  return (
    <div className="page">
      <PageHeader
        title="Transcripts"
        description="Everything you have transcribed, newest first."
      />
      <div className="toolbar">
        <div className="search">
          <Icon name="search" className="search-icon" />
          <label htmlFor="job-search" className="visually-hidden">
            Search transcripts by title
          </label>
          <input
            id="job-search"
            className="input search-input"
            type="search"
            placeholder="Search by title"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            autoComplete="off"
          />
        </div>
        {tag && (
          <div className="tag-filter" data-testid="tag-filter">
            <span className="tag-filter-label">Tagged</span>
            <span className="tag is-selected" data-testid="tag-filter-value">
              <Icon name="tag" size={12} />
              {tag}
            </span>
            <button
              type="button"
              className="icon-button"
              data-testid="tag-filter-clear"
              onClick={() => navigate(dashboardPath({ q: search }))}
              aria-label={`Clear the tag filter “${tag}”`}
              title="Show every tag"
            >
              <Icon name="x" />
            </button>
          </div>
        )}
      </div>

      <div className="visually-hidden" aria-live="polite" role="status">
        {announcement}
      </div>

      {error && (
        <Alert
          action={
            <button type="button" className="button button-secondary button-small" onClick={() => load(false)}>
              Try again
            </button>
          }
        >
          {error}
        </Alert>
      )}

      {loading && !list && <Loading label="Loading your transcripts…" />}

      {empty && !search && !tag && page === 1 && (
        <div className="empty">
          <div className="empty-art" aria-hidden="true">
            <Icon name="wave" size={40} />
          </div>
          <h2>No transcripts yet</h2>
          <p>Upload a recording or paste a link to a media file. Your transcripts show up here.</p>
          <Link to="/new" className="button button-primary">
            <Icon name="plus" />
            New transcript
          </Link>
        </div>
      )}
      {empty && (search || tag || page > 1) && (
        <div className="empty empty-compact">
          <p>
            {tag
              ? `No transcripts are tagged “${tag}”${search ? ` and have “${search}” in their title` : ""}.`
              : search
                ? `No transcripts have “${search}” in their title.`
                : "No more transcripts."}
          </p>
        </div>
      )}

      {jobs.length > 0 && (
        <section aria-labelledby="jobs-heading" aria-busy={loading}>
          <h2 id="jobs-heading" className="visually-hidden">
            {search ? `Transcripts matching “${search}”` : "Your transcripts"}
            {tag ? `, tagged “${tag}”` : ""}, page {page}
          </h2>
          <div className="job-list-head" aria-hidden="true">
            <span>Title</span>
            <span>Status</span>
            <span />
          </div>
          <ul className="job-list">
            {jobs.map((job) => (
              <JobRow key={job.id} job={job} now={now} onRename={rename} onDelete={setDeleting} tagHref={tagHref} />
            ))}
          </ul>
        </section>
      )}

      {(page > 1 || list?.nextCursor) && (
        <nav className="pager" aria-label="Pages of transcripts">
          <button type="button" className="button button-secondary" onClick={() => setCursors((all) => all.slice(0, -1))} disabled={page === 1 || loading}>
            <Icon name="chevronLeft" />
            Newer
          </button>
          <span className="pager-page" aria-live="polite">
            Page {page}
          </span>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => list?.nextCursor && setCursors((all) => [...all, list.nextCursor])}
            disabled={!list?.nextCursor || loading}
          >
            Older
            <Icon name="chevronRight" />
          </button>
        </nav>
      )}

      {deleting && (
        <ConfirmDialog title={`Delete “${deleting.title}”?`} confirmLabel="Delete" danger onConfirm={confirmDelete} onClose={() => setDeleting(null)}>
          <p>
            Its transcript and media are deleted for good.
            {isInFlight(deleting) && " It is still running: it will be stopped."}
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
