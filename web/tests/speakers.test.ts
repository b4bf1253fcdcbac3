import assert from "node:assert/strict";
import { test } from "node:test";
import type { Segment, Transcript } from "../src/api/types";
import {
  characterCount,
  filterTurns,
  groupTurns,
  hasSpeakers,
  renameRequest,
  segmentsOf,
  SPEAKER_COLOURS,
  SPEAKER_NAME_MAX,
  speakerColours,
  speakerList,
  speakerNameProblem,
  transcriptText,
} from "../src/lib/speakers";

declare const __dirname: string;

function segment(speaker: string | undefined, text: string, start = 0): Segment {
  return { start, end: start + 1, text, words: [], ...(speaker === undefined ? {} : { speaker }) };
}

// A conversation as the service gives it: S1 speaks twice in a row, then S2, then S1 again.
const TALK: Transcript = {
  jobId: "job_1",
  language: "en",
  durationSec: 20,
  text: "Hello there. How are you? Fine, thanks. Good to hear.",
  speakers: [
    { id: "S1", name: "Speaker 1" },
    { id: "S2", name: "Grace" },
  ],
  segments: [segment("S1", " Hello there.", 0), segment("S1", "How are you?", 2), segment("S2", "Fine, thanks.", 5), segment("S1", "Good to hear.", 8)],
};

test("every speaker gets a colour by its place in the list, whatever its name", () => {
  assert.deepEqual([...speakerColours(TALK)], [
    ["S1", 0],
    ["S2", 1],
  ]);
  // A rename changes names only: the colours stay.
  const renamed = { ...TALK, speakers: [{ id: "S1", name: "Ada" }, { id: "S2", name: "Zoe" }] };
  assert.deepEqual([...speakerColours(renamed)], [...speakerColours(TALK)]);
  // The list's order decides, not the order of speech.
  const listedLater = { ...TALK, speakers: [{ id: "S2", name: "Grace" }, { id: "S1", name: "Ada" }] };
  assert.equal(speakerColours(listedLater).get("S2"), 0);
});

test("ids the list lacks get the next colours; past the palette the colours repeat", () => {
  const stray = { ...TALK, segments: [...TALK.segments, segment("S9", "Who, me?", 12)] };
  assert.equal(speakerColours(stray).get("S9"), 2);
  const crowd = Array.from({ length: SPEAKER_COLOURS + 2 }, (_, i) => ({ id: `S${i + 1}`, name: `Speaker ${i + 1}` }));
  const colours = speakerColours({ speakers: crowd, segments: [] });
  assert.equal(colours.get("S1"), 0);
  assert.equal(colours.get(`S${SPEAKER_COLOURS}`), SPEAKER_COLOURS - 1);
  assert.equal(colours.get(`S${SPEAKER_COLOURS + 1}`), 0);
  assert.equal(new Set([...colours.values()].slice(0, SPEAKER_COLOURS)).size, SPEAKER_COLOURS, "the first eight all differ");
});

test("the speakers as shown: names, colours, ids for names the list lacks; none without speakers", () => {
  const stray = { ...TALK, segments: [...TALK.segments, segment("S3", "Me too.", 12)] };
  assert.deepEqual(speakerList(stray), [
    { id: "S1", name: "Speaker 1", colour: 0 },
    { id: "S2", name: "Grace", colour: 1 },
    { id: "S3", name: "S3", colour: 2 },
  ]);
  const plain = { ...TALK, speakers: undefined, segments: TALK.segments.map(({ speaker: _speaker, ...rest }) => rest) };
  assert.equal(hasSpeakers(plain), false);
  assert.deepEqual(speakerList(plain), []);
  assert.equal(hasSpeakers({ speakers: [] }), true);
});

test("consecutive segments of one speaker make one turn", () => {
  assert.deepEqual(groupTurns(TALK.segments), [
    { speaker: "S1", segments: [0, 1] },
    { speaker: "S2", segments: [2] },
    { speaker: "S1", segments: [3] },
  ]);
  assert.deepEqual(groupTurns([]), []);
  // Without speakers, everything is one turn of nobody.
  assert.deepEqual(groupTurns([segment(undefined, "a"), segment(undefined, "b")]), [{ speaker: undefined, segments: [0, 1] }]);
  assert.deepEqual(
    groupTurns([segment("S1", "a"), segment("S2", "b"), segment("S1", "c"), segment("S2", "d")]).map((turn) => turn.segments),
    [[0], [1], [2], [3]],
  );
});

test("the filter keeps one speaker's turns, or all of them", () => {
  const turns = groupTurns(TALK.segments);
  assert.deepEqual(filterTurns(turns, "S1"), [
    { speaker: "S1", segments: [0, 1] },
    { speaker: "S1", segments: [3] },
  ]);
  assert.deepEqual(filterTurns(turns, "S2"), [{ speaker: "S2", segments: [2] }]);
  assert.deepEqual(filterTurns(turns, null), turns);
  assert.notEqual(filterTurns(turns, null), turns, "a copy, not the same array");
  assert.deepEqual(filterTurns(turns, "S7"), []);
  assert.deepEqual([...segmentsOf(filterTurns(turns, "S1"))], [0, 1, 3]);
});

test("the copied text is a paragraph per turn with the names, as the text download has it", () => {
  assert.equal(transcriptText(TALK), "Speaker 1: Hello there. How are you?\n\nGrace: Fine, thanks.\n\nSpeaker 1: Good to hear.");
  const withBlank = { ...TALK, segments: [TALK.segments[0], segment("S2", "  "), TALK.segments[1]] };
  assert.equal(transcriptText(withBlank), "Speaker 1: Hello there. How are you?", "an empty segment does not break a turn");
  assert.equal(transcriptText({ ...TALK, speakers: undefined }), TALK.text, "without speakers, the text as it is");
});

test("a speaker's name is trimmed and has 1 to 60 characters", () => {
  assert.equal(speakerNameProblem("Ada"), null);
  assert.equal(speakerNameProblem("  Ada Lovelace \t"), null);
  assert.equal(speakerNameProblem(""), "A speaker's name can't be empty.");
  assert.equal(speakerNameProblem(" \t\n "), "A speaker's name can't be empty.");
  assert.equal(speakerNameProblem("x".repeat(SPEAKER_NAME_MAX)), null);
  assert.equal(speakerNameProblem(`  ${"x".repeat(SPEAKER_NAME_MAX)}  `), null, "the spaces trimmed do not count");
  assert.equal(speakerNameProblem("x".repeat(SPEAKER_NAME_MAX + 1)), "A speaker's name can have at most 60 characters.");
  // Characters as people count them: an accented letter written in two code points, an emoji
  // family of seven, each count as one.
  assert.equal(characterCount("e\u0301"), 1);
  assert.equal(characterCount("👩‍👩‍👧‍👦"), 1);
  assert.equal(speakerNameProblem("👩‍👩‍👧‍👦".repeat(SPEAKER_NAME_MAX)), null);
  assert.equal(speakerNameProblem("Zoë 🎙️"), null);
});

test("a speaker's name holds no control or bidirectional-formatting characters", () => {
  assert.match(speakerNameProblem("Ada\u0007") ?? "", /control .*U\+0007/);
  assert.match(speakerNameProblem("Ada\tLovelace") ?? "", /U\+0009/, "a tab inside the name");
  assert.match(speakerNameProblem("Ada\nLovelace") ?? "", /U\+000A/);
  assert.match(speakerNameProblem("Ada\u007f") ?? "", /U\+007F/);
  assert.match(speakerNameProblem("Ada\u0085") ?? "", /U\+0085/, "C1 controls too");
  assert.match(speakerNameProblem("Ada\u202egnp.exe") ?? "", /bidirectional.*U\+202E/);
  assert.match(speakerNameProblem("\u2066Ada") ?? "", /U\+2066/);
  // Only spaces, tabs and line breaks are trimmed (as the service does); others are part of the name.
  assert.equal(speakerNameProblem("Ada\u00a0"), null);
});

test("the rename request names the speaker's id with the trimmed name, or says what is wrong", () => {
  assert.deepEqual(renameRequest("S2", "  Grace Hopper "), { body: { S2: "Grace Hopper" } });
  assert.deepEqual(renameRequest("S1", "   "), { problem: "A speaker's name can't be empty." });
  assert.ok("problem" in renameRequest("S1", "y".repeat(61)));
});

test("every speaker colour is readable as text on the page, in light and dark", () => {
  const { readFileSync } = require("node:fs");
  const { join } = require("node:path");
  // test-out/speakers.test.js, bundled: the styles are one folder up.
  const css: string = readFileSync(join(__dirname, "..", "styles", "tokens.css"), "utf8");
  const dark = css.indexOf("prefers-color-scheme: dark");
  assert.ok(dark > 0);
  const themes = { light: css.slice(0, dark), dark: css.slice(dark) };
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a: string, b: string) => {
    const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (high + 0.05) / (low + 0.05);
  };
  for (const [theme, block] of Object.entries(themes)) {
    const token = (name: string) => {
      const found = new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6});`).exec(block);
      assert.ok(found, `--${name} in the ${theme} theme`);
      return found[1];
    };
    const colours = Array.from({ length: SPEAKER_COLOURS }, (_, i) => token(`speaker-${i}`));
    assert.equal(new Set(colours).size, SPEAKER_COLOURS, `the ${theme} colours all differ`);
    assert.equal(new RegExp(`--speaker-${SPEAKER_COLOURS}:`).test(block), false, "as many colours as SPEAKER_COLOURS");
    for (const [i, colour] of colours.entries()) {
      for (const background of ["surface", "bg"]) {
        const ratio = contrast(colour, token(background));
        assert.ok(ratio >= 4.5, `--speaker-${i} (${colour}) on --${background} in the ${theme} theme: ${ratio.toFixed(2)}:1`);
      }
    }
  }
});
