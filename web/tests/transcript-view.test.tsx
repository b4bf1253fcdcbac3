import "./support/dom";
import assert from "node:assert/strict";
import { test } from "node:test";
import { act } from "react-dom/test-utils";
import type { Transcript } from "../src/api/types";
import { TranscriptView } from "../src/components/TranscriptView";
import { byText, click, key, render, settle, type } from "./support/render";

const TRANSCRIPT: Transcript = {
  jobId: "job_1",
  language: "en",
  durationSec: 11,
  text: "And so, my fellow Americans ask not. Ask what you can do for your country.",
  segments: [
    {
      start: 0,
      end: 4.6,
      text: "And so, my fellow Americans ask not.",
      words: [
        { start: 0, end: 0.7, word: "And" },
        { start: 0.7, end: 1.1, word: " so,", confidence: 0.3 },
        { start: 1.4, end: 1.5, word: " my" },
        { start: 1.5, end: 1.8, word: " fellow" },
        { start: 1.8, end: 2.7, word: " Americans" },
        { start: 3.1, end: 4.2, word: " ask" },
        { start: 4.2, end: 4.6, word: " not." },
      ],
    },
    {
      start: 8,
      end: 10.6,
      text: "Ask what you can do for your country.",
      words: [
        { start: 8, end: 8.5, word: " Ask" },
        { start: 8.5, end: 8.8, word: " what" },
        { start: 8.8, end: 9, word: " you" },
        { start: 9, end: 9.2, word: " can" },
        { start: 9.2, end: 9.4, word: " do" },
        { start: 9.4, end: 9.6, word: " for" },
        { start: 9.6, end: 9.9, word: " your" },
        { start: 9.9, end: 10.6, word: " country." },
      ],
    },
  ],
};

/** Just enough of an <audio> element: a clock, play and pause, and its events. */
function fakeAudio() {
  const audio = Object.assign(new EventTarget(), {
    currentTime: 0,
    paused: true,
    plays: 0,
    play() {
      audio.plays += 1;
      return Promise.resolve();
    },
    pause() {},
  });
  return audio;
}

function at(audio: ReturnType<typeof fakeAudio>, seconds: number) {
  act(() => {
    audio.currentTime = seconds;
    audio.dispatchEvent(new Event("timeupdate"));
  });
}

const active = (container: HTMLElement) => [...container.querySelectorAll(".word.is-active")].map((word) => word.textContent);

test("the highlighted word follows the player's time", () => {
  const audio = fakeAudio();
  const view = render(<TranscriptView transcript={TRANSCRIPT} audio={audio as unknown as HTMLAudioElement} />);
  assert.deepEqual(active(view.container), ["And"]);
  at(audio, 1.6);
  assert.deepEqual(active(view.container), ["fellow"]);
  assert.equal(view.container.querySelector(".word.is-active")?.getAttribute("aria-current"), "true");
  assert.ok(view.container.querySelector('[data-segment="0"]')?.classList.contains("is-active"));
  at(audio, 9.95);
  assert.deepEqual(active(view.container), ["country."]);
  assert.ok(view.container.querySelector('[data-segment="1"]')?.classList.contains("is-active"));
  at(audio, 6.5); // A long pause between the segments.
  assert.deepEqual(active(view.container), []);
  view.unmount();
});

test("clicking a word or a segment's time seeks there and plays", () => {
  const audio = fakeAudio();
  const view = render(<TranscriptView transcript={TRANSCRIPT} audio={audio as unknown as HTMLAudioElement} />);
  click(byText(view.container, ".word", "Americans"));
  assert.equal(audio.currentTime, 1.8);
  assert.equal(audio.plays, 1);
  const second = view.container.querySelector<HTMLButtonElement>('[data-segment="1"] .segment-time');
  assert.equal(second?.textContent, "0:08");
  assert.equal(second?.getAttribute("aria-label"), "Play from 0:08");
  click(second!);
  assert.equal(audio.currentTime, 8);
  view.unmount();
});

test("words the engine was unsure of are marked", () => {
  const view = render(<TranscriptView transcript={TRANSCRIPT} audio={null} />);
  assert.deepEqual(
    [...view.container.querySelectorAll(".word.is-unsure")].map((word) => word.textContent),
    ["so,"],
  );
  view.unmount();
});

test("search marks the matches and steps through them with Enter", async () => {
  const view = render(<TranscriptView transcript={TRANSCRIPT} audio={null} />);
  const input = view.container.querySelector<HTMLInputElement>("#transcript-search")!;
  assert.equal(view.container.querySelector("label[for=transcript-search]")?.textContent, "Search in the transcript");
  type(input, "ask");
  await settle();
  await new Promise((resolve) => setTimeout(resolve, 200)); // The search waits for typing to pause.
  await settle();
  const count = () => view.container.querySelector("#transcript-search-count")?.textContent;
  assert.equal(count(), "1 of 2");
  assert.deepEqual(
    [...view.container.querySelectorAll(".word.is-current-match, .word.is-match")].map((word) => word.textContent),
    ["ask", "Ask"],
  );
  assert.equal(view.container.querySelector(".word.is-current-match")?.textContent, "ask");
  key(input, "Enter");
  assert.equal(count(), "2 of 2");
  assert.equal(view.container.querySelector(".word.is-current-match")?.textContent, "Ask");
  key(input, "Enter", { shiftKey: true });
  assert.equal(count(), "1 of 2");
  type(input, "kennedy");
  await new Promise((resolve) => setTimeout(resolve, 200));
  await settle();
  assert.equal(count(), "No matches");
  view.unmount();
});

test("a transcript without speech says so", () => {
  const view = render(<TranscriptView transcript={{ ...TRANSCRIPT, text: "", segments: [] }} audio={null} />);
  assert.match(view.container.textContent ?? "", /No speech was found/);
  view.unmount();
});
