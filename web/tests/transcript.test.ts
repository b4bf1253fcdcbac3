import assert from "node:assert/strict";
import { test } from "node:test";
import type { Segment } from "../src/api/types";
import { buildTimeIndex, downloadName, findMatches, HOLD_SECONDS, indexOfWord, normalizeForSearch, wordAt, wordsOf } from "../src/lib/transcript";

// jfk.wav as the whisper engine transcribes it (two segments, words with times).
const JFK: Segment[] = [
  {
    start: 0,
    end: 7.6,
    text: "And so, my fellow Americans ask not what your country can do for you",
    words: [
      { start: 0, end: 0.74, word: "And", confidence: 0.66 },
      { start: 0.74, end: 1.06, word: " so,", confidence: 0.97 },
      { start: 1.38, end: 1.42, word: " my", confidence: 0.97 },
      { start: 1.42, end: 1.76, word: " fellow", confidence: 0.99 },
      { start: 1.76, end: 2.7, word: " Americans", confidence: 0.99 },
      { start: 3.1, end: 4.2, word: " ask", confidence: 0.9 },
      { start: 4.2, end: 4.6, word: " not", confidence: 0.9 },
      { start: 5.2, end: 5.4, word: " what", confidence: 0.9 },
      { start: 5.4, end: 5.6, word: " your", confidence: 0.9 },
      { start: 5.6, end: 6.2, word: " country", confidence: 0.9 },
      { start: 6.2, end: 6.4, word: " can", confidence: 0.9 },
      { start: 6.4, end: 6.6, word: " do", confidence: 0.9 },
      { start: 6.6, end: 6.8, word: " for", confidence: 0.9 },
      { start: 6.8, end: 7.6, word: " you", confidence: 0.9 },
    ],
  },
  {
    start: 8.1,
    end: 10.6,
    text: "ask what you can do for your country.",
    words: [
      { start: 8.1, end: 8.5, word: " ask", confidence: 0.4 },
      { start: 8.5, end: 8.8, word: " what", confidence: 0.9 },
      { start: 8.8, end: 9.0, word: " you", confidence: 0.9 },
      { start: 9.0, end: 9.2, word: " can", confidence: 0.9 },
      { start: 9.2, end: 9.4, word: " do", confidence: 0.9 },
      { start: 9.4, end: 9.6, word: " for", confidence: 0.9 },
      { start: 9.6, end: 9.9, word: " your", confidence: 0.9 },
      { start: 9.9, end: 10.6, word: " country.", confidence: 0.9 },
    ],
  },
];

const index = buildTimeIndex(JFK);
const spoken = (time: number) => {
  const at = wordAt(index, time);
  return at < 0 ? null : wordsOf(JFK[index.words[at].segment])[index.words[at].word].word.trim();
};

test("the word being spoken is found by time", () => {
  assert.equal(spoken(0), "And");
  assert.equal(spoken(0.5), "And");
  assert.equal(spoken(0.74), "so,"); // A word starts where the last ends.
  assert.equal(spoken(1.5), "fellow");
  assert.equal(spoken(5.7), "country");
  assert.equal(spoken(8.2), "ask");
  assert.equal(spoken(10.5), "country.");
});

test("a short gap between words keeps the last word highlighted", () => {
  assert.equal(spoken(1.2), "so,"); // 1.06 → 1.38
  assert.equal(spoken(4.9), "not"); // 4.6 → 5.2
  assert.equal(spoken(7.9), "you"); // between the segments
});

test("nothing is highlighted before the first word or long after the last", () => {
  const late = buildTimeIndex([{ start: 2, end: 3, text: "hi", words: [{ start: 2, end: 3, word: "hi" }] }]);
  assert.equal(wordAt(late, 1.99), -1);
  assert.equal(wordAt(late, 2), 0);
  assert.equal(wordAt(late, 3 + HOLD_SECONDS - 0.01), 0);
  assert.equal(wordAt(late, 3 + HOLD_SECONDS + 0.01), -1);
  assert.equal(wordAt(buildTimeIndex([]), 1), -1);
});

test("a long silence between words ends the highlight until the next word", () => {
  const paused = buildTimeIndex([
    { start: 0, end: 1, text: "one", words: [{ start: 0, end: 1, word: "one" }] },
    { start: 10, end: 11, text: "two", words: [{ start: 10, end: 11, word: "two" }] },
  ]);
  assert.equal(wordAt(paused, 1.5), 0);
  assert.equal(wordAt(paused, 5), -1);
  assert.equal(wordAt(paused, 10.2), 1);
});

test("words out of order (a chunk boundary) are looked up in time order", () => {
  const shuffled = buildTimeIndex([
    { start: 5, end: 6, text: "later", words: [{ start: 5, end: 6, word: "later" }] },
    { start: 1, end: 2, text: "earlier", words: [{ start: 1, end: 2, word: "earlier" }] },
  ]);
  assert.deepEqual(
    shuffled.words.map((ref) => ref.segment),
    [1, 0],
  );
  assert.equal(shuffled.words[wordAt(shuffled, 1.5)].segment, 1);
  assert.equal(indexOfWord(shuffled, 0, 0), 1);
});

test("a segment without words counts as one word spanning it", () => {
  const plain = buildTimeIndex([{ start: 3, end: 6, text: "no word timings", words: [] }]);
  assert.equal(plain.words.length, 1);
  assert.equal(wordAt(plain, 4), 0);
  assert.equal(wordsOf({ start: 3, end: 6, text: "no word timings", words: [] })[0].word, "no word timings");
});

test("search finds words, parts of words and phrases across word boundaries", () => {
  assert.deepEqual(findMatches(JFK, "country"), [
    { segment: 0, first: 9, last: 9 },
    { segment: 1, first: 7, last: 7 },
  ]);
  assert.deepEqual(findMatches(JFK, "ASK NOT"), [{ segment: 0, first: 5, last: 6 }]);
  assert.deepEqual(findMatches(JFK, "ameri"), [{ segment: 0, first: 4, last: 4 }]);
  assert.deepEqual(findMatches(JFK, "  do   for "), [
    { segment: 0, first: 11, last: 12 },
    { segment: 1, first: 4, last: 5 },
  ]);
  // "…can do for your" matches too: a query may end inside a word.
  assert.deepEqual(findMatches(JFK, "can do for you"), [
    { segment: 0, first: 10, last: 13 },
    { segment: 1, first: 3, last: 6 },
  ]);
  assert.deepEqual(findMatches(JFK, "for you "), [{ segment: 0, first: 12, last: 13 }, { segment: 1, first: 5, last: 6 }]);
  assert.deepEqual(findMatches(JFK, ""), []);
  assert.deepEqual(findMatches(JFK, "   "), []);
  assert.deepEqual(findMatches(JFK, "kennedy"), []);
});

test("search ignores case and accents", () => {
  const french: Segment[] = [{ start: 0, end: 1, text: "Un résumé", words: [{ start: 0, end: 0.5, word: "Un" }, { start: 0.5, end: 1, word: " Résumé" }] }];
  assert.deepEqual(findMatches(french, "resume"), [{ segment: 0, first: 1, last: 1 }]);
  assert.equal(normalizeForSearch("Ça Élève"), "ca eleve");
});

test("download names come from the title, safe for file systems", () => {
  assert.equal(downloadName("jfk.wav", "srt"), "jfk.srt");
  assert.equal(downloadName("Kennedy, 1961", "vtt"), "Kennedy, 1961.vtt");
  assert.equal(downloadName('a/b\\c:d*e?"f<g>h|', "txt"), "a_b_c_d_e_f_g_h_.txt");
  assert.equal(downloadName("   ", "json"), "transcript.json");
  assert.equal(downloadName("..", "json"), "transcript.json");
  assert.equal(downloadName("x".repeat(300), "txt").length, 104);
});
