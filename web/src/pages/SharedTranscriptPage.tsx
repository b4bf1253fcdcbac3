import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "../api/errors";
import type { MediaLink, SharedTranscript } from "../api/types";
import { useApi } from "../auth";
import { Alert } from "../components/Alert";
import { CopyButton } from "../components/CopyButton";
import { Icon } from "../components/Icon";
import { MediaPlayer } from "../components/MediaPlayer";
import { Loading } from "../components/Spinner";
import { TranscriptView } from "../components/TranscriptView";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { useMetaTag } from "../hooks/useMetaTag";
import { formatDuration } from "../lib/format";
import { languageName } from "../lib/languages";
import { shareProblem } from "../lib/shares";
import { transcriptText } from "../lib/speakers";

type State = { kind: "loading" } | { kind: "failed"; error: unknown } | { kind: "ready"; shared: SharedTranscript };

/**
 * What a share link (`/s/{token}`) opens, for anyone, signed in or not: the transcript read-only,
 * with the recording when the link includes it. The link alone decides: the request carries no
 * session, so the page never renews or ends one. Kept out of search engines (`noindex`) and sends
 * no `Referer`, which would carry the token, wherever it leads.
 */
export function SharedTranscriptPage({ token }: { token: string }) {
  const api = useApi();
  const [state, setState] = useState<State>({ kind: "loading" });
  const [audio, setAudio] = useState<HTMLAudioElement | null>(null);
  const [attempt, setAttempt] = useState(0);
  useMetaTag("robots", "noindex, nofollow");
  useMetaTag("referrer", "no-referrer");
  useDocumentTitle(state.kind === "ready" ? state.shared.title : state.kind === "failed" ? shareProblem(state.error).title : "Shared transcript");

  useEffect(() => {
    const controller = new AbortController();
    setState({ kind: "loading" });
    api.sharedTranscript(token, controller.signal).then(
      (shared) => setState({ kind: "ready", shared }),
      (error) => {
        if (!(error instanceof ApiError && error.code === "aborted")) setState({ kind: "failed", error });
      },
    );
    return () => controller.abort();
  }, [api, token, attempt]);

  // The recording's URL is short-lived: the first comes with the page, a later one by asking again.
  const media = state.kind === "ready" ? state.shared.media : undefined;
  const latest = useRef(media);
  latest.current = media;
  const handedOut = useRef<MediaLink | null>(null);
  const hasMedia = Boolean(media);
  const loadMedia = useCallback(async (): Promise<MediaLink> => {
    const first = latest.current;
    if (first && handedOut.current !== first) {
      handedOut.current = first;
      return first;
    }
    const again = await api.sharedTranscript(token);
    if (!again.media) throw new Error("The recording is no longer shared with this link.");
    return again.media;
  }, [api, token]);

  if (state.kind === "loading") {
    return (
      <div className="page">
        <h1 tabIndex={-1} className="visually-hidden">
          Shared transcript
        </h1>
        <Loading label="Loading the transcript…" />
      </div>
    );
  }
  if (state.kind === "failed") {
    const problem = shareProblem(state.error);
    return (
      <div className="page page-narrow" data-testid="share-problem">
        <h1 tabIndex={-1}>{problem.title}</h1>
        <Alert
          tone={problem.retry ? "error" : "warning"}
          action={
            problem.retry ? (
              <button type="button" className="button button-secondary button-small" onClick={() => setAttempt((n) => n + 1)}>
                Try again
              </button>
            ) : undefined
          }
        >
          <span data-testid="share-problem-message">{problem.message}</span>
        </Alert>
      </div>
    );
  }

  const { shared } = state;
  const { transcript } = shared;
  const language = transcript.language && transcript.language !== "auto" ? languageName(transcript.language) : null;
  return (
    <div className="page page-wide shared-page" data-testid="shared-transcript">
      <div className="page-header">
        <div className="page-header-text">
          <h1 tabIndex={-1} className="job-heading">
            {shared.title}
          </h1>
          <p className="job-facts">
            <span className="job-fact">
              <Icon name="link" size={14} /> Shared with you, read-only
            </span>
            {shared.durationSec !== null && (
              <span data-testid="shared-duration">
                <span className="visually-hidden">Duration: </span>
                {formatDuration(shared.durationSec)}
              </span>
            )}
            {language && (
              <span>
                <span className="visually-hidden">Language: </span>
                {language}
              </span>
            )}
          </p>
        </div>
        <div className="page-actions">
          <CopyButton text={transcriptText(transcript)} label="Copy text" copiedMessage="The transcript's text is copied." />
        </div>
      </div>
      <div className={hasMedia ? "job-layout" : "shared-layout"}>
        {hasMedia && (
          <aside className="job-aside" aria-label="Player">
            <div className="card player-card">
              <h2 className="card-title">Recording</h2>
              <MediaPlayer load={loadMedia} title={shared.title} onAudio={setAudio} />
            </div>
          </aside>
        )}
        <div className="job-content">
          <TranscriptView transcript={transcript} audio={hasMedia ? audio : null} playable={hasMedia} />
        </div>
      </div>
    </div>
  );
}
