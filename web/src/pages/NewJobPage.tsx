import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import { ApiError } from "../api/errors";
import type { CreateJobRequest, Me } from "../api/types";
import { uploadFile, type UploadProgress } from "../api/upload";
import { useApi } from "../auth";
import { Alert } from "../components/Alert";
import { Dropzone } from "../components/Dropzone";
import { ErrorAlert } from "../components/ErrorAlert";
import { CheckboxField, SelectField, TextAreaField, TextField } from "../components/Field";
import { Icon } from "../components/Icon";
import { PageHeader } from "../components/Layout";
import { ProgressBar } from "../components/ProgressBar";
import { Spinner } from "../components/Spinner";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { randomId } from "../lib/browser";
import { formatBytes, formatDuration } from "../lib/format";
import { speechLanguageOptions } from "../lib/languages";
import { isHttpUrl, mediaTypeOf } from "../lib/media";
import { parseTags, TAGS_HINT } from "../lib/tags";
import { parseVocabulary, VOCABULARY_HINT } from "../lib/vocabulary";
import { Link, useNavigate } from "../router";

type Mode = "upload" | "link";
type Phase = { kind: "idle" } | { kind: "creating" } | { kind: "uploading"; progress: UploadProgress } | { kind: "opening" };

const DEFAULT_MAX_UPLOAD = 2 * 1024 ** 3;

/** Why a picked file cannot be sent, or null when it can. */
export function fileProblem(file: File, maxBytes: number): string | null {
  if (!mediaTypeOf(file)) return `“${file.name}” is not an audio or video file. Choose a recording such as MP3, WAV, M4A, MP4 or WebM.`;
  if (file.size === 0) return `“${file.name}” is empty.`;
  if (file.size > maxBytes) return `“${file.name}” is ${formatBytes(file.size)}; files can be up to ${formatBytes(maxBytes)}.`;
  return null;
}

export function NewJobPage() {
  useDocumentTitle("New transcript");
  const api = useApi();
  const navigate = useNavigate();
  const [mode, setMode] = useState<Mode>("upload");
  const [file, setFile] = useState<File | null>(null);
  const [url, setUrl] = useState("");
  const [title, setTitle] = useState("");
  const [language, setLanguage] = useState("auto");
  /** Speaker labels: on unless turned off (the API's default is off, so it is always sent). */
  const [speakers, setSpeakers] = useState(true);
  const [webhook, setWebhook] = useState("");
  /** Tags as typed: one comma-separated line. */
  const [tags, setTags] = useState("");
  /** Words to expect as typed: separated by commas or line breaks. */
  const [vocabulary, setVocabulary] = useState("");
  /** An English transcript of speech in another language (offered only when the model translates). */
  const [translate, setTranslate] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<{ file?: string; url?: string; webhook?: string; tags?: string; vocabulary?: string }>({});
  /** What went wrong with the last submission: an ApiError (a 402 links to the plans) or another failure. */
  const [error, setError] = useState<unknown>(null);
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [me, setMe] = useState<Me | null>(null);
  /** Whether /v1/me could not be read: the form then offers every language and lets the service judge. */
  const [meFailed, setMeFailed] = useState(false);
  const abort = useRef<AbortController | null>(null);
  // Until the account is read, only Detect (always taken); then the model's languages.
  const languages = useMemo(() => speechLanguageOptions(me ? me.speech?.languages : meFailed ? null : ["auto"]), [me, meFailed]);
  const canTranslate = me?.speech?.translation === true;
  const fileHintId = useId();

  useEffect(() => {
    // For the limits, languages and translation shown; the form works without.
    api.me().then(setMe, () => setMeFailed(true));
  }, [api]);

  // A language the model turns out not to take falls back to Detect.
  useEffect(() => {
    if (!languages.some((option) => option.code === language)) setLanguage("auto");
  }, [languages, language]);

  const busy = phase.kind !== "idle";
  const uploading = phase.kind === "uploading";
  useEffect(() => {
    if (!uploading) return undefined;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [uploading]);
  useEffect(() => () => abort.current?.abort(), []);

  const maxBytes = me?.limits.maxUploadBytes ?? DEFAULT_MAX_UPLOAD;
  const limitsHint = me
    ? `Audio or video, up to ${formatBytes(me.limits.maxUploadBytes)} and ${formatDuration(me.limits.maxFileSeconds)} per file.`
    : "Audio or video: MP3, WAV, M4A, FLAC, OGG, MP4, MOV, WebM…";

  const chooseFile = (picked: File | null) => {
    setFile(picked);
    setError(null);
    setFieldErrors((errors) => ({ ...errors, file: picked ? fileProblem(picked, maxBytes) ?? undefined : undefined }));
  };

  const validate = (): boolean => {
    const errors: typeof fieldErrors = {};
    if (mode === "upload") {
      if (!file) errors.file = "Choose a file to transcribe.";
      else errors.file = fileProblem(file, maxBytes) ?? undefined;
    } else if (!url.trim()) {
      errors.url = "Paste the link of the audio or video.";
    } else if (!isHttpUrl(url)) {
      errors.url = "Enter a full link that starts with http:// or https://.";
    }
    if (webhook.trim() && !isHttpUrl(webhook)) errors.webhook = "Enter a full URL that starts with http:// or https://.";
    const parsedTags = parseTags(tags);
    if ("problem" in parsedTags) errors.tags = parsedTags.problem;
    const parsedVocabulary = parseVocabulary(vocabulary);
    if ("problem" in parsedVocabulary) errors.vocabulary = parsedVocabulary.problem;
    setFieldErrors(errors);
    const problems = Object.values(errors).filter(Boolean);
    if (problems.length) {
      setTimeout(() => document.querySelector<HTMLElement>("[aria-invalid='true']")?.focus(), 0);
    }
    return problems.length === 0;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!validate()) return;
    const body: CreateJobRequest = {
      source:
        mode === "upload" && file
          ? { upload: { filename: file.name, contentType: mediaTypeOf(file) ?? "application/octet-stream", size: file.size } }
          : { url: url.trim() },
      options: { language, speakers },
    };
    if (title.trim()) body.title = title.trim();
    if (webhook.trim()) body.webhook = { url: webhook.trim() };
    const parsedTags = parseTags(tags);
    if ("tags" in parsedTags && parsedTags.tags.length) body.tags = parsedTags.tags;
    const parsedVocabulary = parseVocabulary(vocabulary);
    if ("terms" in parsedVocabulary && parsedVocabulary.terms.length) body.options = { ...body.options!, vocabulary: parsedVocabulary.terms };
    if (canTranslate && translate) body.options = { ...body.options!, task: "translate" };

    setPhase({ kind: "creating" });
    let jobId: string | null = null;
    try {
      const created = await api.createJob(body, randomId());
      jobId = created.job.id;
      if (created.upload && file) {
        const controller = new AbortController();
        abort.current = controller;
        setPhase({ kind: "uploading", progress: { loaded: 0, total: file.size, percent: 0 } });
        await uploadFile(created.upload, file, (progress) => setPhase({ kind: "uploading", progress }), controller.signal);
        abort.current = null;
      }
      setPhase({ kind: "opening" });
      navigate(`/jobs/${encodeURIComponent(created.job.id)}`);
    } catch (caught) {
      abort.current = null;
      // A job whose upload never arrives would only fail later: remove it now.
      if (jobId) void api.deleteJob(jobId).catch(() => undefined);
      setPhase({ kind: "idle" });
      if (caught instanceof ApiError && caught.code === "aborted") {
        setError(null);
        return;
      }
      setError(caught);
    }
  };

  const progress = phase.kind === "uploading" ? phase.progress : null;

  return (
    <div className="page page-narrow">
      <PageHeader title="New transcript" description="Upload a recording or paste a link. You can leave this page once the upload has finished." />

      {me && me.usage.audioSeconds / 60 >= me.limits.monthlyAudioMinutes && (
        <Alert tone="warning" title="This period's minutes are used up">
          New jobs are refused until the period renews (on the 1st for the Free plan, on your renewal date for a paid one), or until you move to a bigger plan.{" "}
          <Link to="/pricing" className="text-link">
            See the plans
          </Link>
        </Alert>
      )}

      <form className="card form" onSubmit={submit} noValidate>
        <fieldset className="segmented" disabled={busy}>
          <legend className="visually-hidden">Source</legend>
          <label className={`segmented-option${mode === "upload" ? " is-selected" : ""}`}>
            <input type="radio" name="source" value="upload" checked={mode === "upload"} onChange={() => setMode("upload")} />
            <Icon name="upload" />
            Upload a file
          </label>
          <label className={`segmented-option${mode === "link" ? " is-selected" : ""}`}>
            <input type="radio" name="source" value="link" checked={mode === "link"} onChange={() => setMode("link")} />
            <Icon name="link" />
            Paste a link
          </label>
        </fieldset>

        {mode === "upload" ? (
          <div className={`field${fieldErrors.file ? " field-invalid" : ""}`}>
            <span className="field-label" id={`${fileHintId}-label`}>
              File
            </span>
            <Dropzone file={file} onFile={chooseFile} disabled={busy} hint={limitsHint} describedBy={fieldErrors.file ? `${fileHintId}-error` : undefined} invalid={Boolean(fieldErrors.file)} />
            {fieldErrors.file && (
              <p id={`${fileHintId}-error`} className="field-error" role="alert">
                <Icon name="alert" size={14} /> {fieldErrors.file}
              </p>
            )}
          </div>
        ) : (
          <TextField
            label="Link to the audio or video"
            type="url"
            inputMode="url"
            placeholder="https://example.com/episode-12.mp3"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            error={fieldErrors.url}
            hint="A direct link to a media file, or a page of a supported media site."
            disabled={busy}
            autoComplete="off"
          />
        )}

        <div className="form-grid">
          <TextField
            label="Title"
            optional
            placeholder={mode === "upload" ? file?.name ?? "The file's name" : "The link's file name"}
            value={title}
            maxLength={200}
            onChange={(event) => setTitle(event.target.value)}
            disabled={busy}
          />
          <SelectField
            label="Language"
            value={language}
            onChange={(event) => setLanguage(event.target.value)}
            disabled={busy}
            hint="Detection works for most recordings."
            data-testid="new-job-language"
          >
            {languages.map((option) => (
              <option key={option.code} value={option.code}>
                {option.name}
              </option>
            ))}
          </SelectField>
        </div>

        <TextField
          label="Tags"
          optional
          placeholder="interview, 2026"
          value={tags}
          onChange={(event) => setTags(event.target.value)}
          error={fieldErrors.tags}
          hint={TAGS_HINT}
          disabled={busy}
          autoComplete="off"
          data-testid="new-job-tags"
        />

        <TextAreaField
          label="Words to expect"
          optional
          rows={2}
          placeholder="Kennedy, Transcriptor"
          value={vocabulary}
          onChange={(event) => setVocabulary(event.target.value)}
          error={fieldErrors.vocabulary}
          hint={VOCABULARY_HINT}
          disabled={busy}
          autoComplete="off"
          data-testid="new-job-vocabulary"
        />

        {canTranslate && (
          <CheckboxField
            label="Translate to English"
            checked={translate}
            onChange={(event) => setTranslate(event.target.checked)}
            hint="An English transcript of speech in another language."
            disabled={busy}
            data-testid="new-job-translate"
          />
        )}

        <CheckboxField
          label="Identify speakers"
          checked={speakers}
          onChange={(event) => setSpeakers(event.target.checked)}
          hint="Labels who said what (Speaker 1, Speaker 2…); you can rename the speakers on the transcript."
          disabled={busy}
        />

        <TextField
          label="Webhook URL"
          optional
          type="url"
          inputMode="url"
          placeholder="https://example.com/hooks/transcriptor"
          value={webhook}
          onChange={(event) => setWebhook(event.target.value)}
          error={fieldErrors.webhook}
          hint="We POST a signed notice there when the transcript is done or the job fails."
          disabled={busy}
          autoComplete="off"
        />

        {error !== null && <ErrorAlert error={error} />}

        {progress && (
          <div className="upload-progress">
            <div className="upload-progress-head">
              <span>Uploading {file?.name}</span>
              <span className="upload-progress-numbers">
                {formatBytes(progress.loaded)} of {formatBytes(progress.total)} · {Math.floor(progress.percent)}%
              </span>
            </div>
            <ProgressBar value={progress.percent} label="Upload progress" valueText={`${Math.floor(progress.percent)}% uploaded`} size="md" />
            <span className="visually-hidden" role="status">
              {/* Read out at each quarter, not at every percent. */}
              Uploaded {Math.floor(progress.percent / 25) * 25}%
            </span>
          </div>
        )}

        <div className="form-actions">
          {uploading ? (
            <button type="button" className="button button-secondary" onClick={() => abort.current?.abort()}>
              Cancel upload
            </button>
          ) : (
            <button type="submit" className="button button-primary button-large" disabled={busy}>
              {busy && <Spinner />}
              {phase.kind === "creating" ? "Starting…" : phase.kind === "opening" ? "Opening…" : "Transcribe"}
            </button>
          )}
        </div>
      </form>
    </div>
  );
}
