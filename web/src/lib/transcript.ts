import type { Segment, Word } from "../api/types";

/** A segment's words; a segment the engine gave no words for counts as one word, its text. */
export function wordsOf(segment: Segment): Word[] {
  if (segment.words && segment.words.length > 0) return segment.words;
  return [{ start: segment.start, end: segment.end, word: segment.text }];
}

/** A word as shown: its text without the spacing engines put around it. */
export function displayWord(word: Word): string {
  return word.word.trim();
}

export interface WordRef {
  segment: number;
  /** The word's position in its segment's `wordsOf`. */
  word: number;
  start: number;
  end: number;
}

/** Every word of a transcript in playback order, for looking up the word at a time. */
export interface TimeIndex {
  words: WordRef[];
}

export function buildTimeIndex(segments: Segment[]): TimeIndex {
  const words: WordRef[] = [];
  segments.forEach((segment, s) => {
    wordsOf(segment).forEach((word, w) => {
      words.push({ segment: s, word: w, start: word.start, end: Math.max(word.end, word.start) });
    });
  });
  // Engines give words in order; a chunk boundary may still leave one out of place.
  words.sort((a, b) => a.start - b.start || a.segment - b.segment || a.word - b.word);
  return { words };
}

/** How long after a word ends it stays highlighted when nothing follows it (a pause). */
export const HOLD_SECONDS = 1;

/**
 * The position in `index.words` of the word being spoken at `time`: the last word started by
 * then, kept through the short gaps between words and for `HOLD_SECONDS` after it ends; -1
 * before the first word and in longer silences. A binary search: it runs on every frame.
 */
export function wordAt(index: TimeIndex, time: number): number {
  const words = index.words;
  let low = 0;
  let high = words.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (words[mid].start <= time) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  if (found < 0) return -1;
  const word = words[found];
  if (time < word.end) return found;
  const next = words[found + 1];
  if (next && next.start - word.end <= HOLD_SECONDS) return found;
  return time < word.end + HOLD_SECONDS ? found : -1;
}

/** The position of `segment`'s `word` in the index (what a click on a word seeks to). */
export function indexOfWord(index: TimeIndex, segment: number, word: number): number {
  return index.words.findIndex((ref) => ref.segment === segment && ref.word === word);
}

export interface Match {
  segment: number;
  /** The first and last word (positions in the segment's `wordsOf`) the match covers. */
  first: number;
  last: number;
}

/** Lower case without accents, so "Résumé" is found by "resume". */
export function normalizeForSearch(text: string): string {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

/**
 * Where `query` occurs in the transcript, in order: each occurrence within a segment's text
 * (words joined by single spaces, so a query may span words or be part of one), as the words it
 * covers. Whitespace in the query matches one space; an empty query matches nothing.
 */
export function findMatches(segments: Segment[], query: string): Match[] {
  const needle = normalizeForSearch(query.trim().replace(/\s+/g, " "));
  if (!needle) return [];
  const matches: Match[] = [];
  segments.forEach((segment, s) => {
    const words = wordsOf(segment).map((word) => normalizeForSearch(displayWord(word)));
    const starts: number[] = [];
    let text = "";
    for (const word of words) {
      if (text) text += " ";
      starts.push(text.length);
      text += word;
    }
    const wordAtOffset = (offset: number) => {
      let w = 0;
      while (w + 1 < starts.length && starts[w + 1] <= offset) w += 1;
      return w;
    };
    let from = 0;
    for (;;) {
      const at = text.indexOf(needle, from);
      if (at < 0) break;
      matches.push({ segment: s, first: wordAtOffset(at), last: wordAtOffset(at + needle.length - 1) });
      from = at + needle.length;
    }
  });
  return matches;
}

const MEDIA_EXTENSION = /\.(aac|aiff?|amr|flac|m4a|mp3|mpga|ogg|oga|opus|wav|weba|wma|3gp|avi|m4v|mkv|mov|mp4|mpe?g|ts|webm|wmv)$/i;

/** A file name for a download of the job's transcript: the title, made safe, with the format's extension. */
export function downloadName(title: string, extension: string): string {
  const base = title
    .replace(MEDIA_EXTENSION, "")
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, "_")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 100)
    .replace(/^[.\s_]+|[.\s]+$/g, "");
  return `${base || "transcript"}.${extension}`;
}
