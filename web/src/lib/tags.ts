// A job's tags: typed as one comma-separated line, checked against the service's rule before sending.

import { characterCount } from "./speakers";

/** How many tags a job may have, and how long each may be (in characters, after trimming). */
export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 40;

/** What the tag fields say under them. */
export const TAGS_HINT = `Separate tags with commas. Up to ${MAX_TAGS} tags, each up to ${MAX_TAG_LENGTH} characters.`;

/** A tag as the service keeps it: trimmed, inner runs of whitespace one space. */
export function normalizeTag(tag: string): string {
  return tag.trim().replace(/\s+/g, " ");
}

/** Whether two tags are the same for the service's filter (which ignores case). */
export function sameTag(a: string, b: string): boolean {
  return normalizeTag(a).toLocaleLowerCase() === normalizeTag(b).toLocaleLowerCase();
}

/**
 * The tags of a comma-separated line (commas and line breaks separate), trimmed, empties dropped,
 * a repeat (in any case) kept once as first written; or why the service would refuse them.
 */
export function parseTags(input: string): { tags: string[] } | { problem: string } {
  const tags: string[] = [];
  for (const piece of input.split(/[,\n]/)) {
    const tag = normalizeTag(piece);
    if (!tag || tags.some((kept) => sameTag(kept, tag))) continue;
    if (characterCount(tag) > MAX_TAG_LENGTH) {
      return { problem: `“${tag.slice(0, 20)}…” is too long: a tag can have at most ${MAX_TAG_LENGTH} characters.` };
    }
    tags.push(tag);
  }
  if (tags.length > MAX_TAGS) return { problem: `A transcript can have at most ${MAX_TAGS} tags; this has ${tags.length}.` };
  return { tags };
}

/** Tags as the line the tag fields show: "interview, 2026". */
export function tagsText(tags: readonly string[]): string {
  return tags.join(", ");
}

/** Whether two sets of tags are the same (order and case aside). */
export function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((tag) => b.some((other) => sameTag(tag, other)));
}

/**
 * The dashboard's address for a search and a tag filter (`/?q=…&tag=…`), either or both left
 * out when empty, so that links to a tag keep the search and clearing the tag keeps it too.
 */
export function dashboardPath(query: { q?: string | null; tag?: string | null }): string {
  const params = new URLSearchParams();
  if (query.q?.trim()) params.set("q", query.q.trim());
  if (query.tag?.trim()) params.set("tag", query.tag.trim());
  const search = params.toString();
  return `/${search ? `?${search}` : ""}`;
}
