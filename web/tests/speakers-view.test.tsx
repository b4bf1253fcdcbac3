import "./support/dom";
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Job, Transcript } from "../src/api/types";
import { TranscriptView } from "../src/components/TranscriptView";
import { renderApp } from "./support/app";
import { json, type Call, type Responder } from "./support/fetch";
import { byText, click, key, render, settle, type } from "./support/render";

const USER = { id: "usr_1", email: "ada@example.com", emailVerified: true, createdAt: "2026-03-01T00:00:00Z" };

// Two people: S1 speaks twice in a row (one turn), then S2, then S1 again.
const TALK: Transcript = {
  jobId: "job_1",
  language: "en",
  durationSec: 12,
  text: "Good morning. How are you? Fine, thank you. Good to hear.",
  speakers: [
    { id: "S1", name: "Speaker 1" },
    { id: "S2", name: "Speaker 2" },
  ],
  segments: [
    {
      start: 0,
      end: 1.5,
      text: "Good morning.",
      speaker: "S1",
      words: [
        { start: 0, end: 0.6, word: "Good", speaker: "S1" },
        { start: 0.6, end: 1.5, word: " morning.", speaker: "S1" },
      ],
    },
    {
      start: 2,
      end: 3.2,
      text: "How are you?",
      speaker: "S1",
      words: [
        { start: 2, end: 2.4, word: "How", speaker: "S1" },
        { start: 2.4, end: 2.7, word: " are", speaker: "S1" },
        { start: 2.7, end: 3.2, word: " you?", speaker: "S1" },
      ],
    },
    {
      start: 4,
      end: 6,
      text: "Fine, thank you.",
      speaker: "S2",
      words: [
        { start: 4, end: 4.6, word: "Fine,", speaker: "S2" },
        { start: 4.6, end: 5.2, word: " thank", speaker: "S2" },
        { start: 5.2, end: 6, word: " you.", speaker: "S2" },
      ],
    },
    {
      start: 7,
      end: 8.5,
      text: "Good to hear.",
      speaker: "S1",
      words: [
        { start: 7, end: 7.4, word: "Good", speaker: "S1" },
        { start: 7.4, end: 7.8, word: " to", speaker: "S1" },
        { start: 7.8, end: 8.5, word: " hear.", speaker: "S1" },
      ],
    },
  ],
};

function named(transcript: Transcript, names: Record<string, string>): Transcript {
  return { ...transcript, speakers: transcript.speakers?.map((speaker) => ({ ...speaker, name: names[speaker.id] ?? speaker.name })) };
}

function job(fields: Partial<Job> = {}): Job {
  return {
    id: "job_1",
    title: "Interview.wav",
    filename: "Interview.wav",
    status: "done",
    progress: { chunksDone: 1, chunksTotal: 1, percent: 100 },
    source: { type: "upload" },
    options: { language: "auto", speakers: true },
    webhook: null,
    durationSec: 12,
    language: "en",
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    tags: [],
    ...fields,
  };
}

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

const turns = (container: HTMLElement) =>
  [...container.querySelectorAll<HTMLElement>(".turn")].map((turn) => ({
    speaker: turn.dataset.speaker,
    colour: [...turn.classList].find((name) => name.startsWith("speaker-")),
    name: turn.querySelector(".speaker-name")?.textContent,
    segments: [...turn.querySelectorAll<HTMLElement>("[data-segment]")].map((segment) => Number(segment.dataset.segment)),
  }));

const chip = (container: HTMLElement, label: string) => byText(container, ".speaker-filter label", label).querySelector("input")!;

test("a transcript with speakers shows turns: the name above, a colour per speaker, one turn for consecutive segments", () => {
  const view = render(<TranscriptView transcript={TALK} audio={null} onRenameSpeaker={async () => undefined} />);
  assert.deepEqual(turns(view.container), [
    { speaker: "S1", colour: "speaker-0", name: "Speaker 1", segments: [0, 1] },
    { speaker: "S2", colour: "speaker-1", name: "Speaker 2", segments: [2] },
    { speaker: "S1", colour: "speaker-0", name: "Speaker 1", segments: [3] },
  ]);
  // The name is a button that renames, named for assistive technology by its visible text too.
  const button = view.container.querySelector<HTMLButtonElement>(".turn[data-speaker=S2] .speaker-button")!;
  assert.equal(button.getAttribute("aria-label"), "Rename Speaker 2");
  assert.equal(button.querySelector(".speaker-swatch")?.getAttribute("aria-hidden"), "true");
  view.unmount();
});

test("without a rename handler the names are plain text", () => {
  const view = render(<TranscriptView transcript={TALK} audio={null} />);
  assert.equal(view.container.querySelectorAll(".speaker-button").length, 0);
  assert.deepEqual(
    [...view.container.querySelectorAll(".speaker-name")].map((name) => name.textContent),
    ["Speaker 1", "Speaker 2", "Speaker 1"],
  );
  view.unmount();
});

test("a transcript without speakers looks as before: no turns, names or filter", () => {
  const plain: Transcript = { ...TALK, speakers: undefined, segments: TALK.segments.map(({ speaker: _speaker, ...rest }) => ({ ...rest, words: rest.words.map(({ speaker: _s, ...word }) => word) })) };
  const view = render(<TranscriptView transcript={plain} audio={null} onRenameSpeaker={async () => undefined} />);
  assert.equal(view.container.querySelectorAll(".turn, .speaker-label, .speaker-filter").length, 0);
  assert.equal(view.container.querySelectorAll(".transcript-body > .segment").length, 4);
  view.unmount();
});

test("the filter shows one speaker's turns; search then counts only theirs; seeking still works", async () => {
  const audio = fakeAudio();
  const view = render(<TranscriptView transcript={TALK} audio={audio as unknown as HTMLAudioElement} onRenameSpeaker={async () => undefined} />);
  const labels = [...view.container.querySelectorAll(".speaker-filter label")].map((label) => label.textContent);
  assert.deepEqual(labels, ["All speakers", "Speaker 1", "Speaker 2"]);
  assert.equal(view.container.querySelector(".speaker-filter legend")?.textContent, "Show the turns of");
  assert.equal(chip(view.container, "All speakers").checked, true);

  click(chip(view.container, "Speaker 2"));
  assert.deepEqual(
    turns(view.container).map((turn) => turn.segments),
    [[2]],
  );
  assert.equal(chip(view.container, "Speaker 2").checked, true);
  assert.ok(byText(view.container, ".speaker-filter label", "Speaker 2").classList.contains("is-selected"));

  // "you" is said by both: Speaker 1's "you?", Speaker 2's "you.".
  const search = view.container.querySelector<HTMLInputElement>("#transcript-search")!;
  type(search, "you");
  await new Promise((resolve) => setTimeout(resolve, 200));
  await settle();
  const count = () => view.container.querySelector("#transcript-search-count")?.textContent;
  assert.equal(count(), "1 of 1", "Speaker 2's only");

  click(byText(view.container, ".word", "thank"));
  assert.equal(audio.currentTime, 4.6);
  assert.equal(audio.plays, 1);

  click(chip(view.container, "Speaker 1"));
  assert.deepEqual(
    turns(view.container).map((turn) => turn.segments),
    [[0, 1], [3]],
  );
  assert.equal(count(), "1 of 1");
  click(chip(view.container, "All speakers"));
  assert.equal(turns(view.container).length, 3);
  assert.equal(count(), "1 of 2");
  click(view.container.querySelector<HTMLButtonElement>('[data-segment="3"] .segment-time')!);
  assert.equal(audio.currentTime, 7);
  view.unmount();
});

test("one speaker alone gets a name but no filter", () => {
  const solo: Transcript = { ...TALK, speakers: [{ id: "S1", name: "Ada" }], segments: TALK.segments.map((segment) => ({ ...segment, speaker: "S1" })) };
  const view = render(<TranscriptView transcript={solo} audio={null} onRenameSpeaker={async () => undefined} />);
  assert.equal(view.container.querySelector(".speaker-filter"), null);
  assert.deepEqual(turns(view.container), [{ speaker: "S1", colour: "speaker-0", name: "Ada", segments: [0, 1, 2, 3] }]);
  view.unmount();
});

/** The job page over a scripted API with the transcript above; PATCH answers with `patch`. */
function jobPage(patch: Responder, fields: Partial<Job> = {}) {
  const routes: Record<string, Responder> = {
    "GET /v1/jobs/job_1": () => json(200, job(fields)),
    "GET /v1/jobs/job_1/transcript": () => json(200, TALK),
    "GET /v1/jobs/job_1/media": () => json(200, { url: "http://127.0.0.1:3000/media/job_1.mp3", expiresAt: new Date(Date.now() + 3_600_000).toISOString() }),
    "PATCH /v1/jobs/job_1/speakers": patch,
  };
  return renderApp("/jobs/job_1", routes, USER);
}

const submit = (form: HTMLFormElement) => {
  // Enter submits the form (jsdom does not, so submit as the browser would).
  form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
};

test("renaming a speaker in place: Enter sends the trimmed name, the answer renames every turn", async () => {
  const patches: Call[] = [];
  const view = jobPage((call) => {
    patches.push(call);
    return json(200, named(TALK, call.body as Record<string, string>));
  });
  await settle();
  assert.ok(view.calls.some((call) => call.path === "/v1/jobs/job_1/transcript" && call.cache === "no-store"), "the transcript is never a cached copy");
  assert.match(view.container.querySelector(".job-facts")?.textContent ?? "", /Speaker labels/);

  const rename = view.container.querySelector<HTMLButtonElement>(".turn[data-speaker=S1] button[aria-label='Rename Speaker 1']")!;
  click(rename);
  const input = view.container.querySelector<HTMLInputElement>("input[aria-label='New name for Speaker 1']")!;
  assert.equal(document.activeElement, input, "the field takes focus");
  assert.equal(input.value, "Speaker 1");
  type(input, "  Ada Lovelace ");
  key(input, "Enter");
  submit(input.form!);
  await settle();
  assert.equal(patches.length, 1);
  assert.deepEqual(patches[0].body, { S1: "Ada Lovelace" });
  assert.equal(patches[0].headers["content-type"], "application/json");
  assert.deepEqual(
    turns(view.container).map((turn) => turn.name),
    ["Ada Lovelace", "Speaker 2", "Ada Lovelace"],
  );
  assert.equal(view.container.querySelector("input[aria-label^='New name']"), null);
  assert.equal(document.activeElement?.getAttribute("aria-label"), "Rename Ada Lovelace", "focus returns to the name");
  // The filter's chips have the new name too, and the copied text.
  assert.ok(byText(view.container, ".speaker-filter label", "Ada Lovelace"));
  view.unmount();
});

test("Escape cancels a rename; an unchanged name sends nothing", async () => {
  let patched = 0;
  const view = jobPage(() => {
    patched += 1;
    return json(200, TALK);
  });
  await settle();
  click(view.container.querySelector("button[aria-label='Rename Speaker 2']")!);
  const input = view.container.querySelector<HTMLInputElement>("input[aria-label='New name for Speaker 2']")!;
  type(input, "Grace");
  key(input, "Escape");
  assert.equal(view.container.querySelector("input[aria-label^='New name']"), null);
  assert.equal(document.activeElement?.getAttribute("aria-label"), "Rename Speaker 2");
  assert.equal(view.container.querySelector(".turn[data-speaker=S2] .speaker-name")?.textContent, "Speaker 2");

  click(view.container.querySelector("button[aria-label='Rename Speaker 2']")!);
  const again = view.container.querySelector<HTMLInputElement>("input[aria-label='New name for Speaker 2']")!;
  type(again, " Speaker 2 ");
  submit(again.form!);
  await settle();
  assert.equal(patched, 0);
  assert.equal(view.container.querySelector("input[aria-label^='New name']"), null);
  view.unmount();
});

test("a name the client's rule refuses is not sent; the service's 400 shows its message", async () => {
  let patched = 0;
  const view = jobPage(() => {
    patched += 1;
    return json(400, { error: { code: "invalid_request", message: "S2's name was refused by the service." } });
  });
  await settle();
  click(view.container.querySelector("button[aria-label='Rename Speaker 2']")!);
  const input = view.container.querySelector<HTMLInputElement>("input[aria-label='New name for Speaker 2']")!;

  type(input, "x".repeat(61));
  submit(input.form!);
  await settle();
  assert.equal(patched, 0);
  assert.equal(view.container.querySelector(".speaker-rename [role=alert]")?.textContent?.trim(), "A speaker's name can have at most 60 characters.");
  assert.equal(input.getAttribute("aria-invalid"), "true");
  assert.equal(input.getAttribute("aria-describedby"), view.container.querySelector(".speaker-rename [role=alert]")?.id);

  type(input, "   ");
  submit(input.form!);
  await settle();
  assert.equal(patched, 0);
  assert.equal(view.container.querySelector(".speaker-rename [role=alert]")?.textContent?.trim(), "A speaker's name can't be empty.");

  type(input, "Grace");
  submit(input.form!);
  await settle();
  assert.equal(patched, 1);
  assert.equal(view.container.querySelector(".speaker-rename [role=alert]")?.textContent?.trim(), "S2's name was refused by the service.");
  assert.ok(view.container.querySelector("input[aria-label='New name for Speaker 2']"), "the field stays open to correct");
  assert.equal(view.container.querySelector(".turn[data-speaker=S2] .speaker-name"), null);
  view.unmount();
});

test("a job's warnings are shown on its page", async () => {
  const view = renderApp(
    "/jobs/job_1",
    {
      "GET /v1/jobs/job_1": () =>
        json(200, job({ warnings: [{ code: "speakers_unavailable", message: "The speakers could not be told apart; the transcript has no speaker labels." }] })),
      "GET /v1/jobs/job_1/transcript": () => json(200, { ...TALK, speakers: undefined }),
      "GET /v1/jobs/job_1/media": () => json(200, { url: "http://127.0.0.1:3000/media/job_1.mp3", expiresAt: new Date(Date.now() + 3_600_000).toISOString() }),
    },
    USER,
  );
  await settle();
  const warnings = view.container.querySelectorAll(".alert-warning");
  assert.equal(warnings.length, 1, "one warning");
  const warning = warnings[0];
  assert.equal(warning.getAttribute("role"), "status");
  assert.equal(warning.querySelector(".alert-title")?.textContent, "Speakers were not identified");
  assert.equal(warning.querySelector("[data-code=speakers_unavailable]")?.textContent, "The speakers could not be told apart; the transcript has no speaker labels.");
  // The words are there, without names.
  assert.ok(view.container.querySelector(".transcript .word"));
  assert.equal(view.container.querySelectorAll(".turn").length, 0);
  view.unmount();
});

test("the new-job form asks for speakers by default, and sends what is chosen", async () => {
  const bodies: unknown[] = [];
  const routes: Record<string, Responder> = {
    "POST /v1/jobs": (call) => {
      bodies.push(call.body);
      return json(201, { job: job({ status: "queued" }), upload: null });
    },
    "GET /v1/jobs/job_1": () => json(200, job({ status: "queued" })),
  };
  const send = async (view: ReturnType<typeof renderApp>) => {
    click(byText(view.container, "label", "Paste a link").querySelector("input")!);
    const url = view.container.querySelector<HTMLInputElement>("input[type=url]")!;
    type(url, "https://example.com/interview.mp3");
    submit(url.form!);
    await settle();
  };

  const view = renderApp("/new", routes, USER);
  await settle();
  const box = view.container.querySelector<HTMLInputElement>("input[type=checkbox]")!;
  assert.equal(view.container.querySelector(`label[for="${box.id}"]`)?.textContent, "Identify speakers");
  assert.equal(box.checked, true, "on by default");
  assert.match(document.getElementById(box.getAttribute("aria-describedby")!)?.textContent ?? "", /who said what/);
  await send(view);
  assert.deepEqual((bodies[0] as { options: unknown }).options, { language: "auto", speakers: true });
  assert.equal(window.location.pathname, "/jobs/job_1");
  view.unmount();

  const off = renderApp("/new", routes, USER);
  await settle();
  click(off.container.querySelector<HTMLInputElement>("input[type=checkbox]")!);
  assert.equal(off.container.querySelector<HTMLInputElement>("input[type=checkbox]")!.checked, false);
  await send(off);
  assert.deepEqual((bodies[1] as { options: unknown }).options, { language: "auto", speakers: false }, "off is sent, not left out");
  off.unmount();
});
