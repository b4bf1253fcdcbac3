import { useState } from "react";
import { messageOf } from "../api/errors";
import type { TranscriptFormat } from "../api/types";
import { useApi } from "../auth";
import { saveBlob } from "../lib/browser";
import { downloadName } from "../lib/transcript";
import { Icon } from "./Icon";
import { Spinner } from "./Spinner";
import { useToast } from "./Toasts";

const FORMATS: { format: TranscriptFormat; label: string; description: string }[] = [
  { format: "txt", label: "Text", description: "Plain text" },
  { format: "srt", label: "SRT", description: "Subtitles (SubRip)" },
  { format: "vtt", label: "WebVTT", description: "Subtitles for the web" },
  { format: "json", label: "JSON", description: "Segments and words with times" },
];

/** The transcript as files: fetched with the session's token (a plain link could not send it), saved as a Blob. */
export function Downloads({ jobId, title }: { jobId: string; title: string }) {
  const api = useApi();
  const notify = useToast();
  const [busy, setBusy] = useState<TranscriptFormat | null>(null);
  const download = async (format: TranscriptFormat) => {
    setBusy(format);
    try {
      const blob = await api.transcriptFile(jobId, format);
      const name = downloadName(title, format);
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
        {FORMATS.map(({ format, label, description }) => (
          <button key={format} type="button" className="button button-secondary download-button" onClick={() => download(format)} disabled={busy !== null} title={description} data-format={format}>
            {busy === format ? <Spinner /> : <Icon name="download" />}
            <span>
              {label}
              <span className="visually-hidden"> ({description})</span>
            </span>
          </button>
        ))}
      </div>
    </div>
  );
}
