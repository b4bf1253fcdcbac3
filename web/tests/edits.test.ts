import assert from "node:assert/strict";
import { test } from "node:test";
import { etagOf, versionOfEtag } from "../src/api/client";
import type { Segment, Transcript } from "../src/api/types";
import {
  caretForWord,
  describeEdit,
  draftProblem,
  editableText,
  failedSave,
  inverseOf,
  isPlayShortcut,
  MAX_SEGMENT_TEXT,
  pushUndo,
  removesSegment,
  saveLabel,
  splitAtCaret,
  textEdit,
  UNDO_LIMIT,
} from "../src/lib/edits";

function segment(start: number, words: string[], fields: Partial<Segment> = {}): Segment {
  return {
    start,
    end: start + words.length,
    text: words.join(" "),
    words: words.map((word, i) => ({ start: start + i, end: start + i + 1, word: i === 0 ? word : ` ${word}` })),
    ...fields,
  };
}

const ASK = segment(0, ["Ask", "what", "you", "can", "do."]);
const TWO: Transcript = {
  jobId: "job_1",
  language: "en",
  durationSec: 10,
  text: "Ask what you can do. For your country.",
  version: 4,
  speakers: [
    { id: "S1", name: "Ada" },
    { id: "S2", name: "Grace" },
  ],
  segments: [segment(0, ["Ask", "what", "you", "can", "do."], { speaker: "S1" }), segment(6, ["For", "your", "country."], { speaker: "S2" })],
};

test("the editor shows a segment's words joined by single spaces, each field word mapped to a word of the segment", () => {
  assert.deepEqual(editableText(ASK), { text: "Ask what you can do.", words: [0, 1, 2, 3, 4] });
  // Words that show nothing are left out of the field but keep their positions.
  const gappy = { ...ASK, words: [ASK.words[0], { start: 1, end: 1, word: " " }, ...ASK.words.slice(1)] };
  assert.deepEqual(editableText(gappy), { text: "Ask what you can do.", words: [0, 2, 3, 4, 5] });
  // Without words, the text (its whitespace made single spaces).
  assert.deepEqual(editableText({ start: 0, end: 2, text: "  Hello \n there ", words: [] }), { text: "Hello there", words: [0, 1] });
});

test("a split starts the second part at the caret's word: the word it is in or at, else the next", () => {
  // "Ask what you can do."  offsets: Ask 0-3, what 4-8, you 9-12, can 13-16, do. 17-20
  assert.equal(splitAtCaret(ASK, 4), 1, "at the start of 'what'");
  assert.equal(splitAtCaret(ASK, 6), 1, "inside 'what'");
  assert.equal(splitAtCaret(ASK, 3), 1, "right after 'Ask': the next word");
  assert.equal(splitAtCaret(ASK, 17), 4, "at the last word");
  assert.equal(splitAtCaret(ASK, 0), null, "the first word can't start the second part");
  assert.equal(splitAtCaret(ASK, 2), null, "inside the first word");
  assert.equal(splitAtCaret(ASK, 20), null, "after the last word");
  const gappy = { ...ASK, words: [ASK.words[0], { start: 1, end: 1, word: " " }, ...ASK.words.slice(1)] };
  assert.equal(splitAtCaret(gappy, 9), 3, "positions are the segment's words, the empty one counted");
});

test("clicking a word opens the editor with the caret at that word", () => {
  assert.equal(caretForWord(ASK, 0), 0);
  assert.equal(caretForWord(ASK, 2), 9);
  assert.equal(caretForWord(ASK, 9), "Ask what you can do.".length, "past the end: the end");
});

test("a text edit is sent only for a changed text; an emptied field removes the segment", () => {
  assert.equal(textEdit(ASK, 3, "Ask what you can do."), null);
  assert.equal(textEdit(ASK, 3, "  Ask  what you\ncan do. "), null, "whitespace is no change");
  assert.deepEqual(textEdit(ASK, 3, " Ask what  you could do. "), { segment: 3, text: "Ask what you could do." });
  const removal = textEdit(ASK, 3, "   ");
  assert.deepEqual(removal, { segment: 3, text: "" });
  assert.equal(removesSegment(removal!), true);
  assert.equal(removesSegment({ segment: 3, speaker: "S2" }), false);
  assert.equal(draftProblem("x".repeat(MAX_SEGMENT_TEXT)), null);
  assert.match(draftProblem("x".repeat(MAX_SEGMENT_TEXT + 1)) ?? "", /at most 5000 characters/);
});

test("the inverse of a text edit puts the old text back; of a speaker, the old speaker", () => {
  assert.deepEqual(inverseOf(TWO, [{ segment: 1, text: "For our country." }]), [[{ segment: 1, text: "For your country." }]]);
  assert.deepEqual(inverseOf(TWO, [{ segment: 0, speaker: "S2" }]), [[{ segment: 0, speaker: "S1" }]]);
  assert.deepEqual(inverseOf(TWO, [{ segment: 0, text: "Ask.", speaker: "S2" }]), [[{ segment: 0, text: "Ask what you can do.", speaker: "S1" }]]);
});

test("a removed segment can't be put back: its edit has no inverse and empties the history", () => {
  assert.equal(inverseOf(TWO, [{ segment: 0, text: "" }]), null);
  const stack = pushUndo([], { segment: 1, text: "x" }, [[{ segment: 1, text: "For your country." }]]);
  assert.equal(stack.length, 1);
  assert.deepEqual(pushUndo(stack, { segment: 0, text: "" }, null), []);
});

test("a split is undone by merging back (and the old text, where the words said it otherwise)", () => {
  assert.deepEqual(inverseOf(TWO, [{ split: { segment: 0, atWord: 2 } }]), [[{ merge: { segment: 0 } }]]);
  const worded: Transcript = { ...TWO, segments: [{ ...TWO.segments[0], text: "Ask what you can do!" }, TWO.segments[1]] };
  assert.deepEqual(inverseOf(worded, [{ split: { segment: 0, atWord: 2 } }]), [[{ merge: { segment: 0 } }], [{ segment: 0, text: "Ask what you can do!" }]]);
});

test("a merge is undone by splitting where the second began, then its speaker (and texts) back", () => {
  // S1's five words then S2's: split at 5, then S2 back on the second part.
  assert.deepEqual(inverseOf(TWO, [{ merge: { segment: 0 } }]), [[{ split: { segment: 0, atWord: 5 } }], [{ segment: 1, speaker: "S2" }]]);
  const same: Transcript = { ...TWO, segments: TWO.segments.map((s) => ({ ...s, speaker: "S1" })) };
  assert.deepEqual(inverseOf(same, [{ merge: { segment: 0 } }]), [[{ split: { segment: 0, atWord: 5 } }]]);
  const wordless: Transcript = { ...TWO, segments: [{ ...TWO.segments[0], words: [] }, TWO.segments[1]] };
  assert.equal(inverseOf(wordless, [{ merge: { segment: 0 } }]), null, "only segments with words split back where they were");
  assert.equal(inverseOf(TWO, [{ merge: { segment: 1 } }]), null, "no segment after the last");
});

test("several edits at once are not undoable here", () => {
  assert.equal(
    inverseOf(TWO, [
      { segment: 0, text: "a" },
      { segment: 1, text: "b" },
    ]),
    null,
  );
});

test("the undo history keeps the last edits, newest on top, each named", () => {
  let stack = pushUndo([], { merge: { segment: 0 } }, [[{ split: { segment: 0, atWord: 5 } }]]);
  stack = pushUndo(stack, { split: { segment: 0, atWord: 2 } }, [[{ merge: { segment: 0 } }]]);
  assert.deepEqual(
    stack.map((entry) => entry.label),
    ["merged two segments", "split a segment"],
  );
  for (let i = 0; i < UNDO_LIMIT + 5; i += 1) stack = pushUndo(stack, { segment: 0, text: `t${i}` }, [[{ segment: 0, text: "x" }]]);
  assert.equal(stack.length, UNDO_LIMIT);
  assert.equal(describeEdit({ segment: 0, speaker: "S2" }), "changed a speaker");
  assert.equal(describeEdit({ segment: 0, text: "" }), "deleted a segment");
});

test("saving's state: a 412 is a conflict with the service's version, anything else an error", () => {
  assert.deepEqual(failedSave(412, "Changed.", { error: {}, version: 7 }), { kind: "conflict", version: 7 });
  assert.deepEqual(failedSave(412, "Changed."), { kind: "conflict", version: undefined });
  assert.deepEqual(failedSave(400, "Segment 9 does not exist."), { kind: "error", message: "Segment 9 does not exist." });
  assert.deepEqual(
    (["saved", "saving", "conflict"] as const).map((kind) => saveLabel({ kind })),
    ["Saved", "Saving…", "Conflict"],
  );
  assert.equal(saveLabel({ kind: "error", message: "x" }), "Not saved");
});

test("versions travel as quoted ETags", () => {
  assert.equal(etagOf(3), '"3"');
  assert.equal(versionOfEtag('"12"'), 12);
  assert.equal(versionOfEtag('W/"5"'), 5);
  assert.equal(versionOfEtag("abc"), null);
  assert.equal(versionOfEtag(null), null);
});

test("Alt+K is the play/pause shortcut, by key or by key position", () => {
  const press = (fields: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; code: string; key: string }>) =>
    isPlayShortcut({ altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, key: "", ...fields });
  assert.equal(press({ altKey: true, key: "k", code: "KeyK" }), true);
  assert.equal(press({ altKey: true, key: "˚", code: "KeyK" }), true, "a Mac's ⌥K");
  assert.equal(press({ altKey: true, key: "K" }), true);
  assert.equal(press({ key: "k", code: "KeyK" }), false, "plain k is typing");
  assert.equal(press({ altKey: true, ctrlKey: true, key: "k", code: "KeyK" }), false);
  assert.equal(press({ altKey: true, key: "j", code: "KeyJ" }), false);
});
