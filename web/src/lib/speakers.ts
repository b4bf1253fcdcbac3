import type { Segment, Speaker, Transcript } from "../api/types";

/**
 * How many speaker colours the styles define (`--speaker-0` … in tokens.css, light and dark);
 * past that many speakers the colours repeat (the names tell them apart).
 */
export const SPEAKER_COLOURS = 8;

/** Whether the transcript tells speakers apart (its job asked for them and they were found). */
export function hasSpeakers(transcript: Pick<Transcript, "speakers">): boolean {
  return Array.isArray(transcript.speakers);
}

/**
 * A colour (0 … SPEAKER_COLOURS - 1) for every speaker id: by position in the transcript's
 * `speakers` (which the service lists in order of first appearance), then any id the segments
 * name that the list lacks, in order of appearance. It depends on ids only, so a rename or a
 * filter never changes a speaker's colour.
 */
export function speakerColours(transcript: Pick<Transcript, "speakers" | "segments">): Map<string, number> {
  const colours = new Map<string, number>();
  const add = (id: string | undefined) => {
    if (id !== undefined && !colours.has(id)) colours.set(id, colours.size % SPEAKER_COLOURS);
  };
  for (const speaker of transcript.speakers ?? []) add(speaker.id);
  for (const segment of transcript.segments) add(segment.speaker);
  return colours;
}

/** A speaker as shown: its id, its name, its colour. */
export interface SpeakerInfo extends Speaker {
  colour: number;
}

/**
 * The transcript's speakers, each with its colour, in order (the listed ones, then ids only the
 * segments name, under their id as the service's downloads name them). Empty without speakers.
 */
export function speakerList(transcript: Pick<Transcript, "speakers" | "segments">): SpeakerInfo[] {
  if (!hasSpeakers(transcript)) return [];
  const names = new Map((transcript.speakers ?? []).map((speaker) => [speaker.id, speaker.name]));
  return [...speakerColours(transcript)].map(([id, colour]) => ({ id, name: names.get(id) ?? id, colour }));
}

/** Consecutive segments of one speaker: a turn of the conversation. */
export interface Turn {
  /** The speaker's id; undefined for segments without one. */
  speaker: string | undefined;
  /** The turn's segments, as positions in the transcript's `segments`. */
  segments: number[];
}

/** The segments in turns: each run of consecutive segments of the same speaker is one. */
export function groupTurns(segments: readonly Pick<Segment, "speaker">[]): Turn[] {
  const turns: Turn[] = [];
  segments.forEach((segment, s) => {
    const last = turns[turns.length - 1];
    if (last && last.speaker === segment.speaker) last.segments.push(s);
    else turns.push({ speaker: segment.speaker, segments: [s] });
  });
  return turns;
}

/** The turns of one speaker (`only`), or all of them when `only` is null. */
export function filterTurns(turns: readonly Turn[], only: string | null): Turn[] {
  return only === null ? [...turns] : turns.filter((turn) => turn.speaker === only);
}

/** The positions of the segments the turns hold, for telling whether a segment is shown. */
export function segmentsOf(turns: readonly Turn[]): Set<number> {
  return new Set(turns.flatMap((turn) => turn.segments));
}

/**
 * The transcript as plain text, as the service's text download has it: with speakers, a
 * paragraph per turn (`Ada: …`), paragraphs apart by a blank line; without, the text as it is.
 */
export function transcriptText(transcript: Pick<Transcript, "speakers" | "segments" | "text">): string {
  if (!hasSpeakers(transcript)) return transcript.text;
  const names = new Map((transcript.speakers ?? []).map((speaker) => [speaker.id, speaker.name]));
  const paragraphs: { speaker: string | undefined; text: string[] }[] = [];
  for (const segment of transcript.segments) {
    const text = trimSpace(segment.text);
    if (!text) continue;
    const last = paragraphs[paragraphs.length - 1];
    if (last && last.speaker === segment.speaker) last.text.push(text);
    else paragraphs.push({ speaker: segment.speaker, text: [text] });
  }
  return paragraphs
    .map(({ speaker, text }) => (speaker === undefined ? "" : `${names.get(speaker) ?? speaker}: `) + text.join(" "))
    .join("\n\n");
}

// MARK: - Names

/** The longest name a speaker may have, in characters (as the service counts them). */
export const SPEAKER_NAME_MAX = 60;

/** Spaces, tabs and line breaks at the ends: what the service trims from a name (no other space). */
export function trimSpace(text: string): string {
  return text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
}

/**
 * What the service refuses in a name people read: control characters (C0, DEL, C1), and the
 * bidirectional controls that make text read other than it is stored.
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/u;

/** Characters as people (and the service) count them: grapheme clusters where the browser can tell, else code points. */
export function characterCount(text: string): number {
  const Segmenter = (Intl as unknown as { Segmenter?: new (locale?: string, options?: { granularity: "grapheme" }) => { segment(text: string): Iterable<unknown> } })
    .Segmenter;
  return Segmenter ? [...new Segmenter(undefined, { granularity: "grapheme" }).segment(text)].length : [...text].length;
}

/** Why `name` (as typed) can't be a speaker's name, or null when it can. The service's rule: trimmed, 1–60 characters, no control characters. */
export function speakerNameProblem(name: string): string | null {
  const trimmed = trimSpace(name);
  if (!trimmed) return "A speaker's name can't be empty.";
  if (characterCount(trimmed) > SPEAKER_NAME_MAX) return `A speaker's name can have at most ${SPEAKER_NAME_MAX} characters.`;
  const forbidden = FORBIDDEN.exec(trimmed);
  if (forbidden) {
    const code = forbidden[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    return `A speaker's name can't hold control or bidirectional-formatting characters (U+${code}).`;
  }
  return null;
}

/** The body of `PATCH /v1/jobs/{id}/speakers` that renames `id` to `name` (trimmed), or why it can't. */
export function renameRequest(id: string, name: string): { body: Record<string, string> } | { problem: string } {
  const problem = speakerNameProblem(name);
  return problem ? { problem } : { body: { [id]: trimSpace(name) } };
}
