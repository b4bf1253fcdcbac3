import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, messageOf } from "../api/errors";
import { isInFlight, STATUS_ORDER, type Job, type JobWarning, type Transcript } from "../api/types";
import { useApi } from "../auth";
import { Alert } from "../components/Alert";
import { CopyButton } from "../components/CopyButton";
import { ConfirmDialog } from "../components/Dialog";
import { Downloads } from "../components/Downloads";
import { Icon } from "../components/Icon";
import { JobProgress } from "../components/JobProgress";
import { JobTags } from "../components/JobTags";
import { MediaPlayer } from "../components/MediaPlayer";
import { ShareLinks } from "../components/ShareLinks";
import { Loading } from "../components/Spinner";
import { StatusBadge } from "../components/StatusBadge";
import { useToast } from "../components/Toasts";
import { TranscriptView } from "../components/TranscriptView";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { usePolling } from "../hooks/usePolling";
import { useTranscriptEditor } from "../hooks/useTranscriptEditor";
import { formatDateTime, formatDuration } from "../lib/format";
import { progressText } from "../lib/jobs";
import { languageName } from "../lib/languages";
import { renameRequest, transcriptText } from "../lib/speakers";
import { Link, useNavigate } from "../router";

/** How often a running job is looked at again. */
export const JOB_POLL_MS = 1000;

const STEPS: { status: Job["status"]; label: string }[] = [
  { status: "queued", label: "Received" },
  { status: "transcoding", label: "Audio prepared" },
  { status: "transcribing", label: "Transcribed" },
  { status: "finalizing", label: "Finished" },
];
const ORDER = STATUS_ORDER;

/** A warning's heading, for the codes the service sends; others show their message alone. */
const WARNING_TITLES: Record<string, string> = {
  speakers_unavailable: "Speakers were not identified",
};

function Warnings({ warnings }: { warnings: JobWarning[] }) {
  return (
    <>
      {warnings.map((warning) => (
        <Alert key={warning.code} tone="warning" title={WARNING_TITLES[warning.code]}>
          <span className="job-warning" data-code={warning.code}>
            {warning.message}
          </span>
        </Alert>
      ))}
    </>
  );
}

function Steps({ job }: { job: Job }) {
  const at = ORDER.indexOf(job.status);
  return (
    <ol className="steps">
      {STEPS.map((step, i) => {
        const stepAt = ORDER.indexOf(step.status);
        const next = STEPS[i + 1] ? ORDER.indexOf(STEPS[i + 1].status) : ORDER.length;
        const state = at >= next ? "done" : at >= stepAt ? "current" : "todo";
        return (
          <li key={step.status} className={`step step-${state}`} aria-current={state === "current" ? "step" : undefined}>
            <span className="step-mark" aria-hidden="true">
              {state === "done" ? <Icon name="check" size={14} /> : i + 1}
            </span>
            <span>{step.label}</span>
            <span className="visually-hidden">{state === "done" ? " (done)" : state === "current" ? " (in progress)" : ""}</span>
          </li>
        );
      })}
    </ol>
  );
}

export function JobPage({ id }: { id: string }) {
  const api = useApi();
  const navigate = useNavigate();
  const notify = useToast();
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [transcript, setTranscript] = useState<Transcript | null>(null);
  const [transcriptError, setTranscriptError] = useState<string | null>(null);
  const [audio, setAudio] = useState<HTMLAudioElement | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [announcement, setAnnouncement] = useState("");
  const lastStatus = useRef<Job["status"] | null>(null);
  useDocumentTitle(job ? job.title : "Transcript");

  const loadJob = useCallback(async () => {
    try {
      const next = await api.getJob(id);
      if (lastStatus.current && lastStatus.current !== next.status) {
        setAnnouncement(next.status === "failed" ? `The job failed: ${next.error?.message ?? ""}` : `${progressText(next)}.`);
      }
      lastStatus.current = next.status;
      setJob(next);
      setError(null);
    } catch (caught) {
      const error = caught instanceof ApiError ? caught : new ApiError(0, "unknown", messageOf(caught));
      if (error.status === 404) setJob(null); // Deleted meanwhile (another tab, the API).
      setError(error);
    }
  }, [api, id]);

  useEffect(() => {
    setJob(null);
    setTranscript(null);
    lastStatus.current = null;
    void loadJob();
  }, [loadJob]);

  usePolling(loadJob, JOB_POLL_MS, Boolean(job && isInFlight(job)));

  const done = job?.status === "done";
  useEffect(() => {
    if (!done) return;
    setTranscriptError(null);
    api.transcript(id).then(setTranscript, (caught) => setTranscriptError(messageOf(caught)));
  }, [api, id, done]);

  const editor = useTranscriptEditor(api, id, transcript, setTranscript);
  const loadMedia = useCallback(() => api.media(id), [api, id]);

  const renameSpeaker = useCallback(
    async (speaker: string, name: string) => {
      const request = renameRequest(speaker, name);
      if ("problem" in request) throw new Error(request.problem);
      // The answer is the transcript with the new names; the downloads are fetched afresh each time.
      const renamed = await api.renameSpeakers(id, request.body);
      setTranscript(renamed);
      notify(`Renamed to “${request.body[speaker]}”.`);
    },
    [api, id, notify],
  );

  const saveTags = useCallback(
    async (tags: string[]) => {
      const updated = await api.updateJob(id, { tags });
      setJob(updated);
      const saved = updated.tags ?? [];
      notify(saved.length ? `Tags saved: ${saved.join(", ")}.` : "Tags removed.");
    },
    [api, id, notify],
  );

  const remove = async () => {
    await api.deleteJob(id);
    notify(`Deleted “${job?.title ?? "the job"}”.`);
    navigate("/", { replace: true });
  };

  if (error && !job) {
    return (
      <div className="page">
        <BackLink />
        <h1 tabIndex={-1}>{error.status === 404 ? "Transcript not found" : "The transcript could not be loaded"}</h1>
        <Alert
          action={
            error.status === 404 ? undefined : (
              <button type="button" className="button button-secondary button-small" onClick={loadJob}>
                Try again
              </button>
            )
          }
        >
          {error.status === 404 ? "There is no such job among yours. It may have been deleted." : error.message}
        </Alert>
      </div>
    );
  }
  if (!job) {
    return (
      <div className="page">
        <BackLink />
        <h1 tabIndex={-1} className="visually-hidden">
          Transcript
        </h1>
        <Loading label="Loading the job…" />
      </div>
    );
  }

  return (
    <div className="page page-wide">
      <BackLink />
      <div className="page-header">
        <div className="page-header-text">
          <h1 tabIndex={-1} className="job-heading">
            {job.title}
          </h1>
          <p className="job-facts">
            <StatusBadge status={job.status} />
            {job.durationSec !== null && (
              <span>
                <span className="visually-hidden">Duration: </span>
                {formatDuration(job.durationSec)}
              </span>
            )}
            {(job.language || job.options.language !== "auto") && (
              <span>
                <span className="visually-hidden">Language: </span>
                {languageName(job.language ?? job.options.language)}
              </span>
            )}
            {job.options.speakers && (
              <span className="job-fact">
                <Icon name="user" size={14} /> Speaker labels
              </span>
            )}
            {job.options.task === "translate" && (
              <span className="job-fact" data-testid="job-translated">
                <Icon name="globe" size={14} /> Translated to English
              </span>
            )}
            <time dateTime={job.createdAt}>{formatDateTime(job.createdAt)}</time>
            {job.source.type === "url" && job.source.url ? (
              <span className="job-source" title={job.source.url}>
                <Icon name="link" size={14} /> {job.filename}
              </span>
            ) : (
              job.filename !== job.title && (
                <span className="job-source">
                  <Icon name="file" size={14} /> {job.filename}
                </span>
              )
            )}
          </p>
          {job.options.vocabulary && job.options.vocabulary.length > 0 && (
            <p className="job-vocabulary" data-testid="job-vocabulary">
              <span className="job-vocabulary-label">Words to expect:</span> {job.options.vocabulary.join(", ")}
            </p>
          )}
          <JobTags tags={job.tags ?? []} onSave={saveTags} />
        </div>
        <div className="page-actions">
          {done && <ShareLinks jobId={job.id} title={job.title} />}
          <button type="button" className="button button-ghost button-danger-text" onClick={() => setDeleting(true)}>
            <Icon name="trash" />
            Delete
          </button>
        </div>
      </div>

      <div className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </div>

      {job.warnings && job.warnings.length > 0 && <Warnings warnings={job.warnings} />}

      {isInFlight(job) && (
        <section className="card job-running" aria-labelledby="running-heading">
          <h2 id="running-heading" className="card-title">
            Transcribing
          </h2>
          <p className="card-lede">This page updates by itself. You can leave it: the job keeps running and shows up in your transcripts.</p>
          <JobProgress job={job} size="md" />
          <Steps job={job} />
        </section>
      )}

      {job.status === "failed" && (
        <Alert
          title="This job failed"
          action={
            <Link to="/new" className="button button-secondary button-small">
              New transcript
            </Link>
          }
        >
          <span className="job-failure-reason">{job.error?.message ?? "The service gave no reason."}</span>
        </Alert>
      )}

      {done && (
        <div className="job-layout">
          <aside className="job-aside" aria-label="Player and downloads">
            <div className="card player-card">
              <h2 className="card-title">Recording</h2>
              <MediaPlayer load={loadMedia} title={job.title} onAudio={setAudio} />
              {transcript && (
                <>
                  <Downloads jobId={job.id} title={job.title} />
                  <div className="copy-row">
                    <CopyButton text={transcriptText(transcript)} label="Copy text" copiedMessage="The transcript's text is copied." />
                  </div>
                </>
              )}
            </div>
          </aside>
          <div className="job-content">
            {transcript ? (
              <TranscriptView transcript={transcript} audio={audio} onRenameSpeaker={transcript.speakers ? renameSpeaker : undefined} editor={editor} />
            ) : transcriptError ? (
              <Alert>{transcriptError}</Alert>
            ) : (
              <Loading label="Loading the transcript…" />
            )}
          </div>
        </div>
      )}

      {deleting && (
        <ConfirmDialog title={`Delete “${job.title}”?`} confirmLabel="Delete" danger onConfirm={remove} onClose={() => setDeleting(false)}>
          <p>
            Its transcript and media are deleted for good.
            {isInFlight(job) && " It is still running: it will be stopped."}
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function BackLink() {
  return (
    <Link to="/" className="back-link">
      <Icon name="chevronLeft" size={16} />
      Transcripts
    </Link>
  );
}
