import { useRef, useState } from "react";
import { messageOf } from "../api/errors";
import type { SubtitleSettings } from "../api/types";
import { useApi } from "../auth";
import { saveBlob } from "../lib/browser";
import { DEFAULT_SUBTITLES, EXPORT_FORMATS, fileOptions, parseSubtitles, SUBTITLE_LIMITS, subtitleDraft, subtitleProblem, type ExportFormat, type SubtitleDraft } from "../lib/exports";
import { downloadName } from "../lib/transcript";
import { Icon } from "./Icon";
import { Spinner } from "./Spinner";
import { useToast } from "./Toasts";

/**
 * The transcript as files: fetched with the session's token (a plain link could not send it),
 * saved as a Blob (the Word file too: the answer is read as bytes, never as text). Text, Markdown
 * and Word can have timestamps; SRT and WebVTT follow the subtitle settings, which are checked
 * against the service's ranges before anything is sent.
 */
export function Downloads({ jobId, title }: { jobId: string; title: string }) {
  const api = useApi();
  const notify = useToast();
  const [busy, setBusy] = useState<ExportFormat["format"] | null>(null);
  const [timestamps, setTimestamps] = useState(false);
  const [draft, setDraft] = useState<SubtitleDraft>(() => subtitleDraft());
  const [touched, setTouched] = useState<Partial<Record<keyof SubtitleSettings, boolean>>>({});
  const [open, setOpen] = useState(false);
  const settingsRef = useRef<HTMLDetailsElement>(null);

  const problemOf = (name: keyof SubtitleSettings) => {
    const limit = SUBTITLE_LIMITS.find((item) => item.name === name)!;
    return touched[name] ? subtitleProblem(limit, draft[name]) : null;
  };

  const download = async (format: ExportFormat) => {
    let subtitles: SubtitleSettings | undefined;
    if (format.subtitles) {
      const parsed = parseSubtitles(draft);
      if ("problems" in parsed) {
        setTouched({ maxLineLength: true, maxLines: true, maxCueSeconds: true, minGapMs: true });
        setOpen(true);
        const first = SUBTITLE_LIMITS.find((limit) => parsed.problems[limit.name]);
        setTimeout(() => first && document.getElementById(`subtitle-${first.name}`)?.focus(), 0);
        notify(`Check the subtitle settings: ${Object.values(parsed.problems)[0]}`, "error");
        return;
      }
      subtitles = parsed.settings;
    }
    setBusy(format.format);
    try {
      const blob = await api.transcriptFile(jobId, format.format, fileOptions(format, timestamps, subtitles ?? DEFAULT_SUBTITLES));
      const name = downloadName(title, format.extension);
      saveBlob(blob, name);
      notify(`Downloaded ${name}.`);
    } catch (error) {
      notify(messageOf(error), "error");
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="downloads" role="group" aria-labelledby="downloads-heading">
      <h3 id="downloads-heading" className="subheading">
        Download
      </h3>
      <div className="downloads-grid">
        {EXPORT_FORMATS.map((format) => (
          <button
            key={format.format}
            type="button"
            className="button button-secondary download-button"
            onClick={() => download(format)}
            disabled={busy !== null}
            title={format.description}
            data-format={format.format}
            data-testid={`download-${format.format}`}
          >
            {busy === format.format ? <Spinner /> : <Icon name="download" />}
            <span>
              {format.label}
              <span className="visually-hidden"> ({format.description})</span>
            </span>
          </button>
        ))}
      </div>
      <div className="downloads-option">
        <div className="check">
          <input
            id="download-timestamps"
            data-testid="download-timestamps"
            type="checkbox"
            checked={timestamps}
            onChange={(event) => setTimestamps(event.target.checked)}
            aria-describedby="download-timestamps-hint"
          />
          <label htmlFor="download-timestamps">Include timestamps</label>
        </div>
        <p id="download-timestamps-hint" className="field-hint">
          In Text, Markdown and Word files.
        </p>
      </div>
      <details
        ref={settingsRef}
        className="subtitle-settings"
        data-testid="subtitle-settings"
        open={open}
        onToggle={() => setOpen(settingsRef.current?.open ?? false)}
      >
        <summary data-testid="subtitle-settings-toggle">Subtitle settings</summary>
        <p className="field-hint">For SRT and WebVTT downloads.</p>
        <div className="subtitle-grid">
          {SUBTITLE_LIMITS.map((limit) => {
            const problem = problemOf(limit.name);
            const id = `subtitle-${limit.name}`;
            return (
              <div key={limit.name} className={`field${problem ? " field-invalid" : ""}`}>
                <label htmlFor={id} className="field-label">
                  {limit.label}
                </label>
                <input
                  id={id}
                  data-testid={id}
                  className="input input-small"
                  type="number"
                  inputMode="numeric"
                  min={limit.min}
                  max={limit.max}
                  step={1}
                  value={draft[limit.name]}
                  onChange={(event) => {
                    const value = event.target.value;
                    setDraft((current) => ({ ...current, [limit.name]: value }));
                    setTouched((current) => ({ ...current, [limit.name]: true }));
                  }}
                  aria-invalid={problem ? true : undefined}
                  aria-describedby={`${id}-range${problem ? ` ${id}-error` : ""}`}
                />
                <p id={`${id}-range`} className="field-hint">
                  {limit.min}–{limit.max}, default {limit.default}
                </p>
                {problem && (
                  <p id={`${id}-error`} className="field-error" role="alert">
                    <Icon name="alert" size={14} /> {problem}
                  </p>
                )}
              </div>
            );
          })}
        </div>
      </details>
    </div>
  );
}

