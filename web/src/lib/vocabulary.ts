// Words to expect (a job's vocabulary) and the account's glossary: terms the model is told to
// expect, checked against the service's rule before sending.

import { characterCount, trimSpace } from "./speakers";

/** How many terms a list may have, and how long each may be (in characters, after trimming). */
export const MAX_TERMS = 100;
export const MAX_TERM_LENGTH = 50;

/** What the new-job form says under its "Words to expect" field. */
export const VOCABULARY_HINT = `Names, products, jargon; your glossary is added. Separate with commas or new lines, up to ${MAX_TERMS} terms of up to ${MAX_TERM_LENGTH} characters.`;

/** What the account page says under the glossary. */
export const GLOSSARY_HINT = `One term per line, up to ${MAX_TERMS} terms of up to ${MAX_TERM_LENGTH} characters. Added to the words to expect of every new job.`;

/** Control characters (C0, DEL, C1), which the service refuses in a term. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/**
 * The terms of `input`, split at line breaks (and at commas unless `commas` is false), trimmed,
 * empties dropped, a repeat (in any case) kept once as first written; or why the service would
 * refuse them.
 */
export function parseVocabulary(input: string, { commas = true }: { commas?: boolean } = {}): { terms: string[] } | { problem: string } {
  const terms: string[] = [];
  const seen = new Set<string>();
  for (const piece of input.split(commas ? /[,\r\n]/ : /[\r\n]/)) {
    const term = trimSpace(piece);
    if (!term) continue;
    const key = term.toLocaleLowerCase();
    if (seen.has(key)) continue;
    if (characterCount(term) > MAX_TERM_LENGTH) {
      return { problem: `“${term.slice(0, 20)}…” is too long: a term can have at most ${MAX_TERM_LENGTH} characters.` };
    }
    const control = CONTROL.exec(term);
    if (control) {
      const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
      return { problem: `“${term.slice(0, 20)}” holds a control character (U+${code}); remove it.` };
    }
    seen.add(key);
    terms.push(term);
  }
  if (terms.length > MAX_TERMS) return { problem: `At most ${MAX_TERMS} terms are allowed; this has ${terms.length}.` };
  return { terms };
}

/** Terms as the glossary's text area shows them: one per line. */
export function vocabularyLines(terms: readonly string[]): string {
  return terms.join("\n");
}
