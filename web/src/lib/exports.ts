// The transcript's downloads: the formats offered, and the subtitle settings checked as the service checks them.

import type { SubtitleSettings, TranscriptFileOptions, TranscriptFormat } from "../api/types";

export interface ExportFormat {
  format: TranscriptFormat;
  label: string;
  description: string;
  /** The file's extension. */
  extension: string;
  /** Whether `timestamps=true` applies (txt, md, docx). */
  timestamps?: boolean;
  /** Whether the subtitle settings apply (srt, vtt). */
  subtitles?: boolean;
}

export const EXPORT_FORMATS: readonly ExportFormat[] = [
  { format: "txt", label: "Text", description: "Plain text", extension: "txt", timestamps: true },
  { format: "srt", label: "SRT", description: "Subtitles (SubRip)", extension: "srt", subtitles: true },
  { format: "vtt", label: "WebVTT", description: "Subtitles for the web", extension: "vtt", subtitles: true },
  { format: "json", label: "JSON", description: "Segments and words with times", extension: "json" },
  { format: "md", label: "Markdown", description: "Text with headings, for notes and wikis", extension: "md", timestamps: true },
  { format: "docx", label: "Word", description: "A Word document (.docx)", extension: "docx", timestamps: true },
];

/** One subtitle setting: its query name, its label, the service's range and default, its unit. */
export interface SubtitleLimit {
  name: keyof SubtitleSettings;
  label: string;
  min: number;
  max: number;
  default: number;
  unit: string;
}

/** The service's ranges and defaults (`GET …/transcript?format=srt|vtt&maxLineLength=…`). */
export const SUBTITLE_LIMITS: readonly SubtitleLimit[] = [
  { name: "maxLineLength", label: "Characters per line", min: 10, max: 100, default: 42, unit: "characters" },
  { name: "maxLines", label: "Lines per subtitle", min: 1, max: 4, default: 2, unit: "lines" },
  { name: "maxCueSeconds", label: "Longest subtitle (seconds)", min: 1, max: 30, default: 7, unit: "seconds" },
  { name: "minGapMs", label: "Gap between subtitles (ms)", min: 0, max: 2000, default: 0, unit: "milliseconds" },
];

export const DEFAULT_SUBTITLES: SubtitleSettings = {
  maxLineLength: 42,
  maxLines: 2,
  maxCueSeconds: 7,
  minGapMs: 0,
};

/** The settings as typed in the form (strings, so that a half-typed number can be shown as it is). */
export type SubtitleDraft = Record<keyof SubtitleSettings, string>;

export function subtitleDraft(settings: SubtitleSettings = DEFAULT_SUBTITLES): SubtitleDraft {
  return {
    maxLineLength: String(settings.maxLineLength),
    maxLines: String(settings.maxLines),
    maxCueSeconds: String(settings.maxCueSeconds),
    minGapMs: String(settings.minGapMs),
  };
}

/** Why one typed value can't be sent, or null when it can: a whole number within the service's range. */
export function subtitleProblem(limit: SubtitleLimit, typed: string): string | null {
  const text = typed.trim();
  if (!/^-?\d+$/.test(text)) return `${limit.label}: enter a whole number from ${limit.min} to ${limit.max}.`;
  const value = Number(text);
  if (value < limit.min || value > limit.max) return `${limit.label} must be from ${limit.min} to ${limit.max} ${limit.unit}.`;
  return null;
}

/** The typed settings as numbers, or each problem by setting when any value is refused. */
export function parseSubtitles(draft: SubtitleDraft): { settings: SubtitleSettings } | { problems: Partial<Record<keyof SubtitleSettings, string>> } {
  const problems: Partial<Record<keyof SubtitleSettings, string>> = {};
  const settings = { ...DEFAULT_SUBTITLES };
  for (const limit of SUBTITLE_LIMITS) {
    const problem = subtitleProblem(limit, draft[limit.name]);
    if (problem) problems[limit.name] = problem;
    else settings[limit.name] = Number(draft[limit.name].trim());
  }
  return Object.keys(problems).length ? { problems } : { settings };
}

/** The settings that differ from the service's defaults (what the download's query names). */
export function changedSubtitles(settings: SubtitleSettings): Partial<SubtitleSettings> {
  const changed: Partial<SubtitleSettings> = {};
  for (const limit of SUBTITLE_LIMITS) {
    if (settings[limit.name] !== limit.default) changed[limit.name] = settings[limit.name];
  }
  return changed;
}

/** The options of one format's download: timestamps where they apply, subtitle settings where they do. */
export function fileOptions(format: ExportFormat, timestamps: boolean, subtitles: SubtitleSettings): TranscriptFileOptions {
  if (format.timestamps) return timestamps ? { timestamps: true } : {};
  if (format.subtitles) {
    const changed = changedSubtitles(subtitles);
    return Object.keys(changed).length ? { subtitles: changed } : {};
  }
  return {};
}
