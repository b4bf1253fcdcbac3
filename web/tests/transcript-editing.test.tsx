import "./support/dom";
import assert from "node:assert/strict";
import { test } from "node:test";
import { act } from "react-dom/test-utils";
import type { Job, Segment, Transcript, TranscriptEdit } from "../src/api/types";
import { TranscriptView } from "../src/components/TranscriptView";
import type { TranscriptEditor } from "../src/hooks/useTranscriptEditor";
import { renderApp } from "./support/app";
import { json, type Call, type Responder } from "./support/fetch";
import { byText, click, key, render, settle } from "./support/render";

const USER = { id: "usr_1", email: "ada@example.com", emailVerified: true, createdAt: "2026-03-01T00:00:00Z" };

function job(): Job {
  return {
    id: "job_1",
    title: "Inaugural.wav",
    filename: "Inaugural.wav",
    status: "done",
    progress: { chunksDone: 1, chunksTotal: 1, percent: 100 },
    source: { type: "upload" },
    options: { language: "auto", speakers: false },
    webhook: null,
    durationSec: 11,
    language: "en",
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    tags: [],
  };
}

function segment(start: number, text: string, speaker?: string): Segment {
  const words = text.split(" ").map((word, i) => ({ start: start + i * 0.5, end: start + i * 0.5 + 0.4, word: i === 0 ? word : ` ${word}`, ...(speaker ? { speaker } : {}) }));
  return { start, end: start + words.length * 0.5, text, words, ...(speaker ? { speaker } : {}) };
}

const ORIGINAL = ["And so, my fellow Americans.", "Ask not what your country can do for you.", "Ask what you can do for your country."];

/**
 * The service's transcript routes over one transcript: versions, If-Match (412 with the current
 * version when stale, 428 without), and the edits done as the service does them (texts and
 * speakers, then splits, then merges), simply.
 */
function service() {
  let version = 1;
  let segments = ORIGINAL.map((text, i) => segment(i * 4, text));
  const patches: Call[] = [];
  const body = (): Transcript => ({ jobId: "job_1", language: "en", durationSec: 11, text: segments.map((s) => s.text).join(" "), segments, version });
  const answer = () => json(200, body(), { ETag: `"${version}"` });
  const apply = (edits: TranscriptEdit[]) => {
    let next: (Segment | null)[] = segments.map((s) => ({ ...s }));
    for (const edit of edits) {
      if ("segment" in edit && edit.text !== undefined) next[edit.segment] = edit.text.trim() ? segment(segments[edit.segment].start, edit.text.trim()) : null;
    }
    const parts: Segment[][] = next.map((s, i) => {
      const split = edits.find((edit): edit is { split: { segment: number; atWord: number } } => "split" in edit && edit.split.segment === i);
      if (!s) return [];
      if (!split) return [s];
      const words = s.words;
      return [segment(s.start, words.slice(0, split.split.atWord).map((w) => w.word.trim()).join(" ")), segment(words[split.split.atWord].start, words.slice(split.split.atWord).map((w) => w.word.trim()).join(" "))];
    });
    next = [];
    for (let i = 0; i < parts.length; i += 1) {
      const merge = edits.some((edit) => "merge" in edit && edit.merge.segment === i);
      if (merge && parts[i][0] && parts[i + 1]?.[0]) {
        next.push(segment(parts[i][0].start, `${parts[i][0].text} ${parts[i + 1][0].text}`));
        i += 1;
      } else {
        next.push(...parts[i]);
      }
    }
    segments = next.filter((s): s is Segment => s !== null);
    version += 1;
  };
  const routes: Record<string, Responder> = {
    "GET /v1/jobs/job_1": () => json(200, job()),
    "GET /v1/jobs/job_1/media": () => json(200, { url: "http://127.0.0.1:3000/media/job_1.mp3", expiresAt: new Date(Date.now() + 3_600_000).toISOString() }),
    "GET /v1/jobs/job_1/transcript": answer,
    "PATCH /v1/jobs/job_1/transcript": (call) => {
      patches.push(call);
      const ifMatch = call.headers["if-match"];
      if (!ifMatch) return json(428, { error: { code: "precondition_required", message: "Send If-Match." } });
      if (ifMatch !== `"${version}"`) return json(412, { error: { code: "version_mismatch", message: "The transcript has changed." }, version });
      apply((call.body as { edits: TranscriptEdit[] }).edits);
      return answer();
    },
    "POST /v1/jobs/job_1/transcript/revert": (call) => {
      patches.push(call);
      segments = ORIGINAL.map((text, i) => segment(i * 4, text));
      version += 1;
      return answer();
    },
  };
  return {
    routes,
    patches,
    /** Someone else's edit, behind the page's back. */
    changeElsewhere: (edits: TranscriptEdit[]) => apply(edits),
    version: () => version,
    texts: () => segments.map((s) => s.text),
  };
}

/** Types into a textarea the way React hears it. */
function typeArea(area: HTMLTextAreaElement, value: string) {
  const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value")?.set;
  act(() => {
    setter?.call(area, value);
    area.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

const $ = <T extends Element = HTMLElement>(root: ParentNode, selector: string) => root.querySelector<T>(selector);
const shownTexts = (root: ParentNode) => [...root.querySelectorAll("[data-segment] .segment-text")].map((p) => p.textContent?.replace(/^Edit: /, "").trim());
const status = (root: ParentNode) => $(root, "[data-testid=edit-status]");

async function openJob() {
  const server = service();
  const view = renderApp("/jobs/job_1", server.routes, USER);
  await settle();
  click($(view.container, "[data-testid=edit-toggle]")!);
  return { server, view };
}

test("edit mode: click a segment, Enter saves it with If-Match of the version held; the status says so", async () => {
  const { server, view } = await openJob();
  const toggle = $(view.container, "[data-testid=edit-toggle]")!;
  assert.equal(toggle.getAttribute("aria-pressed"), "true");
  assert.equal(toggle.textContent, "Done editing");
  assert.equal(status(view.container)?.getAttribute("role"), "status");
  assert.equal(status(view.container)?.getAttribute("aria-live"), "polite");
  assert.equal(status(view.container)?.textContent, "Saved");
  assert.match($(view.container, "#edit-hint")?.textContent ?? "", /Alt\+K plays or pauses/);
  assert.equal(($(view.container, "[data-testid=edit-undo]") as HTMLButtonElement).disabled, true, "nothing to undo yet");

  // The caret starts at the clicked word.
  click(byText(view.container, "[data-segment='1'] .word", "country"));
  const area = $<HTMLTextAreaElement>(view.container, "[data-testid=segment-editor]")!;
  assert.equal(document.activeElement, area);
  assert.equal(area.value, ORIGINAL[1]);
  assert.equal(area.selectionStart, ORIGINAL[1].indexOf("country"));
  assert.equal($(view.container, `label[for="${area.id}"]`)?.textContent, "Text of the segment at 0:04");

  typeArea(area, "Ask not what your country can do for you,");
  key(area, "Enter");
  await settle();
  assert.equal(server.patches.length, 1);
  assert.equal(server.patches[0].headers["if-match"], '"1"');
  assert.equal(server.patches[0].headers["content-type"], "application/json");
  assert.deepEqual(server.patches[0].body, { edits: [{ segment: 1, text: "Ask not what your country can do for you," }] });
  assert.equal($(view.container, "[data-testid=segment-editor]"), null, "the editor closes once saved");
  assert.equal(shownTexts(view.container)[1], "Ask not what your country can do for you,");
  assert.equal(status(view.container)?.textContent, "Saved");
  assert.equal(document.activeElement, $(view.container, "[data-segment='1'] .segment-edit"), "focus back on the segment");

  // Escape cancels; an unchanged text sends nothing.
  click($(view.container, "[data-segment='2'] .segment-edit")!);
  typeArea($<HTMLTextAreaElement>(view.container, "[data-testid=segment-editor]")!, "Something else");
  key($(view.container, "[data-testid=segment-editor]")!, "Escape");
  assert.equal($(view.container, "[data-testid=segment-editor]"), null);
  click($(view.container, "[data-segment='2'] .segment-edit")!);
  key($(view.container, "[data-testid=segment-editor]")!, "Enter");
  await settle();
  assert.equal(server.patches.length, 1);
  assert.equal(shownTexts(view.container)[2], ORIGINAL[2]);

  // Undo puts the old text back, against the new version.
  const undo = $<HTMLButtonElement>(view.container, "[data-testid=edit-undo]")!;
  assert.equal(undo.disabled, false);
  assert.equal(undo.title, "Undo: changed a segment's text");
  click(undo);
  await settle();
  assert.equal(server.patches[1].headers["if-match"], '"2"');
  assert.deepEqual(server.patches[1].body, { edits: [{ segment: 1, text: ORIGINAL[1] }] });
  assert.equal(shownTexts(view.container)[1], ORIGINAL[1]);
  assert.equal(undo.disabled, true);

  // Reading mode is back with Done editing: the words seek again.
  click($(view.container, "[data-testid=edit-toggle]")!);
  assert.equal($(view.container, "[data-testid=edit-status]"), null);
  assert.equal($(view.container, ".segment-edit"), null);
  assert.ok($(view.container, "[data-segment='1'] p.segment-text .word"));
  view.unmount();
});

test("a change made elsewhere meanwhile is a conflict: nothing is overwritten, Reload brings the other change", async () => {
  const { server, view } = await openJob();
  server.changeElsewhere([{ segment: 0, text: "And so, my fellow citizens." }]);
  click($(view.container, "[data-segment='2'] .segment-edit")!);
  typeArea($<HTMLTextAreaElement>(view.container, "[data-testid=segment-editor]")!, "Ask what you can do.");
  key($(view.container, "[data-testid=segment-editor]")!, "Enter");
  await settle();
  assert.equal(server.patches[0].headers["if-match"], '"1"');
  assert.equal(status(view.container)?.textContent, "Conflict");
  assert.equal(status(view.container)?.getAttribute("data-state"), "conflict");
  const message = $(view.container, "[data-testid=edit-conflict]")?.textContent ?? "";
  assert.match(message, /not saved/);
  assert.match(message, /version 2/);
  assert.match(message, /will be lost/);
  assert.equal(server.texts()[2], ORIGINAL[2], "the service kept the other change only");
  // The field stays (to copy from) but can't be saved; Undo waits too.
  assert.equal($<HTMLTextAreaElement>(view.container, "[data-testid=segment-editor]")?.readOnly, true);
  assert.equal($<HTMLButtonElement>(view.container, "[data-testid=segment-save]")?.disabled, true);

  click($(view.container, "[data-testid=edit-reload]")!);
  await settle();
  assert.equal(status(view.container)?.textContent, "Saved");
  assert.equal($(view.container, "[data-testid=edit-conflict]"), null);
  assert.equal($(view.container, "[data-testid=segment-editor]"), null, "the unsaved change is dropped");
  assert.deepEqual(shownTexts(view.container), ["And so, my fellow citizens.", ORIGINAL[1], ORIGINAL[2]]);

  // Editing goes on from the new version.
  click($(view.container, "[data-segment='2'] .segment-edit")!);
  typeArea($<HTMLTextAreaElement>(view.container, "[data-testid=segment-editor]")!, "Ask what you can do.");
  click($(view.container, "[data-testid=segment-save]")!);
  await settle();
  assert.equal(server.patches[1].headers["if-match"], '"2"');
  assert.equal(status(view.container)?.textContent, "Saved");
  assert.equal(shownTexts(view.container)[2], "Ask what you can do.");
  view.unmount();
});

test("split at the clicked word, merge with the next, each undoable", async () => {
  const { server, view } = await openJob();
  click(byText(view.container, "[data-segment='1'] .word", "your"));
  assert.equal($<HTMLButtonElement>(view.container, "[data-testid=segment-merge]")?.disabled, false);
  click($(view.container, "[data-testid=segment-split]")!);
  await settle();
  assert.deepEqual(server.patches[0].body, { edits: [{ split: { segment: 1, atWord: 3 } }] });
  assert.deepEqual(shownTexts(view.container), [ORIGINAL[0], "Ask not what", "your country can do for you.", ORIGINAL[2]]);

  click($(view.container, "[data-segment='0'] .segment-edit")!);
  click($(view.container, "[data-testid=segment-merge]")!);
  await settle();
  assert.deepEqual(server.patches[1].body, { edits: [{ merge: { segment: 0 } }] });
  assert.deepEqual(shownTexts(view.container), [`${ORIGINAL[0]} Ask not what`, "your country can do for you.", ORIGINAL[2]]);

  // Undo the merge (a split where the second segment began), then the split (a merge).
  click($(view.container, "[data-testid=edit-undo]")!);
  await settle();
  assert.deepEqual(server.patches[2].body, { edits: [{ split: { segment: 0, atWord: 5 } }] });
  click($(view.container, "[data-testid=edit-undo]")!);
  await settle();
  assert.deepEqual(server.patches[3].body, { edits: [{ merge: { segment: 1 } }] });
  assert.deepEqual(shownTexts(view.container), ORIGINAL);
  assert.equal(server.version(), 5);

  // The last segment has nothing to merge with; a changed text must be saved before splitting.
  click($(view.container, "[data-segment='2'] .segment-edit")!);
  assert.equal($<HTMLButtonElement>(view.container, "[data-testid=segment-merge]")?.disabled, true);
  typeArea($<HTMLTextAreaElement>(view.container, "[data-testid=segment-editor]")!, "Ask what you can do for the country.");
  assert.equal($<HTMLButtonElement>(view.container, "[data-testid=segment-split]")?.disabled, true);
  view.unmount();
});

test("deleting a segment asks first, and leaves nothing to undo", async () => {
  const { server, view } = await openJob();
  click($(view.container, "[data-segment='1'] .segment-edit")!);
  typeArea($<HTMLTextAreaElement>(view.container, "[data-testid=segment-editor]")!, "   ");
  key($(view.container, "[data-testid=segment-editor]")!, "Enter");
  await settle();
  const dialog = document.querySelector("[role=dialog]")!;
  assert.match(dialog.textContent ?? "", /Delete this segment\?/);
  assert.match(dialog.textContent ?? "", /Undo can't bring a deleted segment back/);
  assert.equal(server.patches.length, 0, "nothing sent before confirming");
  click(byText(dialog, "button", "Delete segment"));
  await settle();
  assert.deepEqual(server.patches[0].body, { edits: [{ segment: 1, text: "" }] });
  assert.deepEqual(shownTexts(view.container), [ORIGINAL[0], ORIGINAL[2]]);
  assert.equal($<HTMLButtonElement>(view.container, "[data-testid=edit-undo]")?.disabled, true);
  view.unmount();
});

test("Revert to original asks first, then puts the machine's transcript back with If-Match", async () => {
  const { server, view } = await openJob();
  click($(view.container, "[data-segment='0'] .segment-edit")!);
  typeArea($<HTMLTextAreaElement>(view.container, "[data-testid=segment-editor]")!, "So.");
  key($(view.container, "[data-testid=segment-editor]")!, "Enter");
  await settle();
  assert.equal(shownTexts(view.container)[0], "So.");

  click($(view.container, "[data-testid=edit-revert]")!);
  const dialog = document.querySelector("[role=dialog]")!;
  assert.match(dialog.textContent ?? "", /Revert to the original transcript\?/);
  click(byText(dialog, "button", "Revert"));
  await settle();
  const revert = server.patches[1];
  assert.equal(revert.method, "POST");
  assert.equal(revert.path, "/v1/jobs/job_1/transcript/revert");
  assert.equal(revert.headers["if-match"], '"2"');
  assert.deepEqual(shownTexts(view.container), ORIGINAL);
  assert.equal(document.querySelector("[role=dialog]"), null);
  assert.equal($<HTMLButtonElement>(view.container, "[data-testid=edit-undo]")?.disabled, true, "the history is gone with the edits");
  view.unmount();
});

// MARK: - The view alone

function fakeAudio() {
  const audio = Object.assign(new EventTarget(), {
    currentTime: 0,
    paused: true,
    plays: 0,
    pauses: 0,
    play() {
      audio.plays += 1;
      audio.paused = false;
      return Promise.resolve();
    },
    pause() {
      audio.pauses += 1;
      audio.paused = true;
    },
  });
  return audio;
}

function fakeEditor(applied: TranscriptEdit[]): TranscriptEditor {
  return {
    state: { kind: "saved" },
    undoLabel: null,
    apply: async (edit) => {
      applied.push(edit);
      return true;
    },
    undo: async () => true,
    reload: async () => undefined,
    revert: async () => undefined,
  };
}

const TALK: Transcript = {
  jobId: "job_1",
  language: "en",
  durationSec: 8,
  text: "Good morning. Fine, thanks.",
  version: 3,
  speakers: [
    { id: "S1", name: "Ada" },
    { id: "S2", name: "Grace" },
  ],
  segments: [segment(0, "Good morning.", "S1"), segment(3, "Fine, thanks.", "S2")],
};

test("Alt+K plays and pauses the recording while editing, and only then", () => {
  const audio = fakeAudio();
  const view = render(<TranscriptView transcript={TALK} audio={audio as unknown as HTMLAudioElement} editor={fakeEditor([])} />);
  const altK = () => act(() => void window.dispatchEvent(new KeyboardEvent("keydown", { key: "k", code: "KeyK", altKey: true, bubbles: true, cancelable: true })));
  altK();
  assert.equal(audio.plays, 0, "not in reading mode");
  click($(view.container, "[data-testid=edit-toggle]")!);
  altK();
  assert.equal(audio.plays, 1);
  assert.equal(audio.paused, false);
  click($(view.container, "[data-segment='0'] .segment-edit")!);
  const area = $(view.container, "[data-testid=segment-editor]")!;
  assert.equal(area.getAttribute("aria-keyshortcuts"), "Alt+K");
  act(() => void area.dispatchEvent(new KeyboardEvent("keydown", { key: "˚", code: "KeyK", altKey: true, bubbles: true, cancelable: true })));
  assert.equal(audio.pauses, 1, "from the field too (a Mac's ⌥K types ˚)");
  assert.equal(audio.paused, true);
  view.unmount();
});

test("a segment's speaker can be changed to another of the transcript's speakers", async () => {
  const applied: TranscriptEdit[] = [];
  const view = render(<TranscriptView transcript={TALK} audio={null} editor={fakeEditor(applied)} />);
  click($(view.container, "[data-testid=edit-toggle]")!);
  click($(view.container, "[data-segment='1'] .segment-edit")!);
  const select = $<HTMLSelectElement>(view.container, "[data-testid=segment-speaker]")!;
  assert.equal($(view.container, `label[for="${select.id}"]`)?.textContent, "Speaker");
  assert.deepEqual(
    [...select.options].map((option) => [option.value, option.textContent]),
    [
      ["S1", "Ada"],
      ["S2", "Grace"],
    ],
  );
  assert.equal(select.value, "S2");
  act(() => {
    Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value")?.set?.call(select, "S1");
    select.dispatchEvent(new Event("change", { bubbles: true }));
  });
  await settle();
  assert.deepEqual(applied, [{ segment: 1, speaker: "S1" }]);
  view.unmount();
});

test("without an editor there is no edit mode", () => {
  const view = render(<TranscriptView transcript={TALK} audio={null} />);
  assert.equal($(view.container, "[data-testid=edit-toggle]"), null);
  view.unmount();
});
