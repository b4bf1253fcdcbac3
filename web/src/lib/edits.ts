// Editing a transcript: the edits of PATCH /v1/jobs/{id}/transcript built from what was done on
// the page, the inverse edits that undo them, and the state of saving. No I/O here.

import type { Segment, Transcript, TranscriptEdit } from "../api/types";
import { displayWord } from "./transcript";

/** The longest text a segment may have (the service's limit). */
export const MAX_SEGMENT_TEXT = 5000;

/** The words as the service counts them for a split: the segment's words, else its text split at whitespace. */
export function serviceWordCount(segment: Segment): number {
  if (segment.words && segment.words.length > 0) return segment.words.length;
  return tokens(segment.text).length;
}

/** A text's words, split at whitespace (as the service splits a new text). */
export function tokens(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/** A text with its whitespace made single spaces and trimmed: what tells two texts apart for the service. */
export function normalizeText(text: string): string {
  return tokens(text).join(" ");
}

/**
 * What the editor shows of a segment: its words (each trimmed, the empty ones left out) joined by
 * single spaces, so that the n-th word of the field is a word of the segment; without words, its
 * text. `words[i]` is the position in the segment's `words` of the field's i-th word (what a split
 * names).
 */
export function editableText(segment: Segment): { text: string; words: number[] } {
  if (!segment.words || segment.words.length === 0) {
    const text = normalizeText(segment.text);
    return { text, words: tokens(text).map((_token, i) => i) };
  }
  const shown: string[] = [];
  const words: number[] = [];
  segment.words.forEach((word, w) => {
    const text = displayWord(word);
    if (!text) return;
    // A word the engine gave with a space inside still counts as one word of the segment.
    for (const piece of tokens(text)) {
      shown.push(piece);
      words.push(w);
    }
  });
  return { text: shown.join(" "), words };
}

/** Where each whitespace-separated word of `text` starts and ends. */
function spans(text: string): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  const pattern = /\S+/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    found.push({ start: match.index, end: match.index + match[0].length });
  }
  return found;
}

/** The offset in `text` where its `word`-th word starts (for putting the caret on a clicked word). */
export function offsetOfWord(text: string, word: number): number {
  const all = spans(text);
  if (all.length === 0) return 0;
  return all[Math.max(0, Math.min(word, all.length - 1))].start;
}

/**
 * The split that makes the word at the caret the first of the second part, as `atWord` of the
 * segment's words: the word the caret is in or at the start of, else the next one. Null when
 * that leaves either part empty (the caret in the first word, or after the last).
 */
export function splitAtCaret(segment: Segment, caret: number): number | null {
  const { text, words } = editableText(segment);
  const all = spans(text);
  const at = all.findIndex((span) => caret < span.end);
  if (at < 1) return null;
  const atWord = words[at];
  // Pieces of one word of the segment can't be parted.
  if (atWord === words[at - 1]) return null;
  return atWord >= 1 && atWord < serviceWordCount(segment) ? atWord : null;
}

/**
 * The edit that saves the field's `draft` as segment `index`'s text: null when nothing changed
 * (whitespace aside), `{segment, text: ""}` when the field was emptied (which removes the segment).
 */
export function textEdit(segment: Segment, index: number, draft: string): TranscriptEdit | null {
  const next = normalizeText(draft);
  if (next === editableText(segment).text || next === normalizeText(segment.text)) return null;
  return { segment: index, text: next };
}

/** Whether an edit removes its segment (a text with no words). */
export function removesSegment(edit: TranscriptEdit): boolean {
  return "segment" in edit && edit.text !== undefined && tokens(edit.text).length === 0;
}

/** Why a draft can't be saved, or null when it can. */
export function draftProblem(draft: string): string | null {
  if (draft.length > MAX_SEGMENT_TEXT) return `A segment can have at most ${MAX_SEGMENT_TEXT} characters; this has ${draft.length}.`;
  return null;
}

/** What an edit did, in a few words (for the status line and the Undo button's title). */
export function describeEdit(edit: TranscriptEdit): string {
  if ("split" in edit) return "split a segment";
  if ("merge" in edit) return "merged two segments";
  if (removesSegment(edit)) return "deleted a segment";
  if (edit.text !== undefined && edit.speaker !== undefined) return "changed a segment";
  if (edit.speaker !== undefined) return "changed a speaker";
  return "changed a segment's text";
}

// MARK: - Undo

/**
 * What undoes an edit: requests to send one after the other, each against the version the one
 * before it made (so its indices are that version's). Null when the edit can't be undone: a
 * removed segment can't be put back (there is no edit that inserts one).
 */
export type Inverse = TranscriptEdit[][] | null;

/** The text a segment's words make when the service joins them (a split or merge writes that). */
function joinedWords(segment: Segment): string {
  return normalizeText((segment.words ?? []).map((word) => displayWord(word)).join(" "));
}

/**
 * The requests that undo `edits` made to `before` (the transcript they named). One edit per
 * request is what the editor sends; anything else is not undoable here.
 */
export function inverseOf(before: Transcript, edits: readonly TranscriptEdit[]): Inverse {
  if (edits.length !== 1) return null;
  const edit = edits[0];
  const segments = before.segments;
  if ("split" in edit) {
    const { segment: i } = edit.split;
    const old = segments[i];
    if (!old) return null;
    const steps: TranscriptEdit[][] = [[{ merge: { segment: i } }]];
    // The merge writes the parts' words joined; the old text may have said it otherwise.
    if (old.words?.length && normalizeText(old.text) !== joinedWords(old)) steps.push([{ segment: i, text: normalizeText(old.text) }]);
    return steps;
  }
  if ("merge" in edit) {
    const { segment: i } = edit.merge;
    const first = segments[i];
    const second = segments[i + 1];
    // A merge keeps the words of segments that have them (the service times a text without words
    // only when it needs to): split back only where both parts had words.
    if (!first?.words?.length || !second?.words?.length) return null;
    const n = first.words.length;
    const steps: TranscriptEdit[][] = [[{ split: { segment: i, atWord: n } }]];
    // The split parts get the first's speaker and their words' text; put back what differed.
    const restore: TranscriptEdit[] = [];
    if (first.words?.length && normalizeText(first.text) !== joinedWords(first)) restore.push({ segment: i, text: normalizeText(first.text) });
    const second2: { segment: number; text?: string; speaker?: string } = { segment: i + 1 };
    if (second.words?.length && normalizeText(second.text) !== joinedWords(second)) second2.text = normalizeText(second.text);
    if (second.speaker !== undefined && second.speaker !== first.speaker) second2.speaker = second.speaker;
    if (second2.text !== undefined || second2.speaker !== undefined) restore.push(second2);
    if (restore.length) steps.push(restore);
    return steps;
  }
  const old = segments[edit.segment];
  if (!old || removesSegment(edit)) return null;
  const undo: { segment: number; text?: string; speaker?: string } = { segment: edit.segment };
  if (edit.text !== undefined) undo.text = normalizeText(old.text) || editableText(old).text;
  if (edit.speaker !== undefined) {
    if (old.speaker === undefined) return null;
    undo.speaker = old.speaker;
  }
  return [[undo]];
}

export interface UndoEntry {
  /** What the edit did ("split a segment"). */
  label: string;
  steps: TranscriptEdit[][];
}

/** How many edits Undo goes back at most. */
export const UNDO_LIMIT = 50;

/**
 * The undo history after an edit: the edit's inverse on top; an edit that can't be undone
 * empties it (the inverses under it name segments by indices that edit has moved).
 */
export function pushUndo(stack: readonly UndoEntry[], edit: TranscriptEdit, inverse: Inverse): UndoEntry[] {
  if (!inverse) return [];
  return [...stack, { label: describeEdit(edit), steps: inverse }].slice(-UNDO_LIMIT);
}

// MARK: - Saving

/**
 * Where saving stands: everything `saved`, a request `saving`, a `conflict` (the transcript
 * changed elsewhere: `version` is the service's current one, when it said), or an `error` that
 * another try may fix.
 */
export type SaveState =
  | { kind: "saved" }
  | { kind: "saving" }
  | { kind: "conflict"; version?: number }
  | { kind: "error"; message: string };

/** The words the status shows for a state. */
export function saveLabel(state: SaveState): string {
  switch (state.kind) {
    case "saved":
      return "Saved";
    case "saving":
      return "Saving…";
    case "conflict":
      return "Conflict";
    case "error":
      return "Not saved";
    default:
      return "";
  }
}

/** What a failed save means: a 412 is a conflict (with the current version when the body names it), anything else an error to retry. */
export function failedSave(status: number, message: string, body?: Record<string, unknown>): SaveState {
  if (status === 412) return { kind: "conflict", version: typeof body?.version === "number" ? body.version : undefined };
  return { kind: "error", message };
}

/** Where the caret goes when the editor opens on a click of the segment's `word` (its position in `wordsOf`): at that word's start. */
export function caretForWord(segment: Segment, word: number): number {
  const { text, words } = editableText(segment);
  const token = words.findIndex((w) => w >= word);
  return token < 0 ? text.length : offsetOfWord(text, token);
}

/** Whether a key press is the play/pause shortcut of edit mode: Alt+K (by key position too, so a Mac's ⌥K, which types "˚", counts). */
export function isPlayShortcut(event: { altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; code?: string; key: string }): boolean {
  return event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey && (event.code === "KeyK" || event.key.toLowerCase() === "k");
}
