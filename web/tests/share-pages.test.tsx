import "./support/dom";
import assert from "node:assert/strict";
import { test } from "node:test";
import { act } from "react-dom/test-utils";
import type { Job, SharedTranscript, Transcript } from "../src/api/types";
import { renderApp } from "./support/app";
import { json, type Call } from "./support/fetch";
import { byText, click, settle, type } from "./support/render";

const USER = { id: "usr_1", email: "ada@example.com", emailVerified: true, createdAt: "2026-03-01T00:00:00Z" };
const TOKEN = "sh_abcDEF123-_x";

const TRANSCRIPT: Transcript = {
  jobId: "job_1",
  language: "en",
  durationSec: 11,
  text: "Ask not what your country can do for you.",
  speakers: [{ id: "S1", name: "President" }],
  segments: [
    {
      start: 0,
      end: 3,
      text: "Ask not what your country can do for you.",
      speaker: "S1",
      words: ["Ask", " not", " what", " your", " country", " can", " do", " for", " you."].map((word, i) => ({ start: i * 0.3, end: i * 0.3 + 0.3, word, speaker: "S1" })),
    },
  ],
  version: 3,
};

function shared(fields: Partial<SharedTranscript> = {}): SharedTranscript {
  return { title: "Inaugural address", durationSec: 11, transcript: TRANSCRIPT, ...fields };
}

function job(fields: Partial<Job> = {}): Job {
  return {
    id: "job_1",
    title: "Inaugural address",
    filename: "jfk.wav",
    status: "done",
    progress: { chunksDone: 1, chunksTotal: 1, percent: 100 },
    source: { type: "upload" },
    options: { language: "auto" },
    webhook: null,
    durationSec: 11,
    language: "en",
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    tags: [],
    ...fields,
  };
}

const meta = (name: string) => document.head.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? null;
const inDialog = <T extends Element = HTMLElement>(selector: string) => document.querySelector<T>(`[role=dialog] ${selector}`);
const submit = (form: HTMLFormElement) => act(() => void form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true })));

test("signed out, a link's page shows the transcript read-only without the sign-in page or any call that needs a session", async () => {
  const view = renderApp(`/s/${TOKEN}`, { [`GET /v1/shares/${TOKEN}`]: () => json(200, shared()) }, null);
  await settle();
  assert.equal(window.location.pathname, `/s/${TOKEN}`, "no redirect to the sign-in page");
  assert.deepEqual(
    view.calls.map((call) => `${call.method} ${call.path}`),
    [`GET /v1/shares/${TOKEN}`],
  );
  const [call] = view.calls;
  assert.equal(call.headers.authorization, undefined);
  assert.equal(call.credentials, "omit");
  assert.equal(view.container.querySelector("main h1")?.textContent, "Inaugural address");
  assert.equal(view.container.querySelector("[data-testid=shared-duration]")?.textContent, "Duration: 11 s");
  assert.match(view.container.querySelector(".transcript-body")?.textContent ?? "", /Ask not what your country can do for you\./);
  assert.equal(view.container.querySelector(".speaker-name")?.textContent, "President");
  assert.equal(view.container.querySelector(".speaker-button"), null, "names are not renamable");
  assert.equal(view.container.querySelector("[data-testid=edit-toggle]"), null, "no edit mode");
  assert.equal(view.container.querySelector("audio"), null, "no recording without media");
  assert.equal(view.container.querySelector("button.segment-time"), null, "nothing to play from");
  assert.equal(view.container.querySelector("span.segment-time")?.textContent, "0:00");
  assert.equal(document.title, "Inaugural address · Transcriptor");
  assert.equal(meta("robots"), "noindex, nofollow");
  assert.equal(meta("referrer"), "no-referrer");
  view.unmount();
  assert.equal(meta("robots"), null, "the tags go with the page");
  assert.equal(meta("referrer"), null);
});

test("a link with the recording plays it, and a click on a word seeks there", async () => {
  const media = { url: "http://127.0.0.1:4566/bucket/r.m4a?X-Amz-Signature=x", expiresAt: new Date(Date.now() + 3_600_000).toISOString() };
  const view = renderApp(`/s/${TOKEN}`, { [`GET /v1/shares/${TOKEN}`]: () => json(200, shared({ media })) }, null);
  await settle();
  const audio = view.container.querySelector<HTMLAudioElement>("audio");
  assert.ok(audio, "the player");
  assert.equal(audio.getAttribute("src"), media.url);
  assert.equal(view.calls.length, 1, "the page's own URL, not a second request");
  audio.play = () => Promise.resolve();
  const word = byText(view.container, ".word", "country");
  click(word);
  assert.equal(audio.currentTime, 1.2);
  assert.ok(view.container.querySelector("button.segment-time"), "segments play from their start");
  view.unmount();
});

test("signed in, a link's page shows inside the app, still without the session's token", async () => {
  const view = renderApp(`/s/${TOKEN}`, { [`GET /v1/shares/${TOKEN}`]: () => json(200, shared()) }, USER);
  await settle();
  assert.equal(window.location.pathname, `/s/${TOKEN}`);
  assert.equal(view.container.querySelector("main h1")?.textContent, "Inaugural address");
  assert.ok(view.container.querySelector(".mainnav"), "the app's navigation");
  assert.deepEqual(
    view.calls.map((call) => [call.path, call.headers.authorization]),
    [[`/v1/shares/${TOKEN}`, undefined]],
  );
  view.unmount();
});

test("an expired or revoked link says it is not valid; too many requests says to try again later", async () => {
  const gone = renderApp(
    `/s/${TOKEN}`,
    { [`GET /v1/shares/${TOKEN}`]: () => json(404, { error: { code: "not_found", message: "This link is not valid: it may have expired or been revoked." } }) },
    null,
  );
  await settle();
  assert.equal(window.location.pathname, `/s/${TOKEN}`);
  assert.equal(gone.container.querySelector("main h1")?.textContent, "This link is not valid");
  assert.match(gone.container.querySelector("[data-testid=share-problem-message]")?.textContent ?? "", /it may have expired or been revoked/);
  assert.equal(document.title, "This link is not valid · Transcriptor");
  assert.equal(meta("robots"), "noindex, nofollow");
  gone.unmount();

  let answers = 0;
  const busy = renderApp(
    `/s/${TOKEN}`,
    {
      [`GET /v1/shares/${TOKEN}`]: () => {
        answers += 1;
        return answers === 1 ? json(429, { message: "Too Many Requests" }, { "Retry-After": "30" }) : json(200, shared());
      },
    },
    null,
  );
  await settle();
  assert.match(busy.container.querySelector("[data-testid=share-problem-message]")?.textContent ?? "", /Try again in 30 seconds\./);
  click(byText(busy.container, "button", "Try again"));
  await settle();
  assert.equal(busy.container.querySelector("main h1")?.textContent, "Inaugural address");
  busy.unmount();
});

test("the owner makes a link from the job page (days checked first), sees it once, and revokes a live one after confirming", async () => {
  const created: Call[] = [];
  const revoked: string[] = [];
  let shares = [{ id: "shr_old", createdAt: new Date(Date.now() - 86_400_000).toISOString(), expiresAt: new Date(Date.now() + 6 * 86_400_000).toISOString(), includeMedia: false }];
  const view = renderApp(
    "/jobs/job_1",
    {
      "GET /v1/jobs/job_1": () => json(200, job()),
      "GET /v1/jobs/job_1/transcript": () => json(200, TRANSCRIPT),
      "GET /v1/jobs/job_1/media": () => json(200, { url: "http://127.0.0.1:4566/m.m4a", expiresAt: new Date(Date.now() + 3_600_000).toISOString() }),
      "GET /v1/jobs/job_1/shares": () => json(200, { shares }),
      "POST /v1/jobs/job_1/shares": (call) => {
        created.push(call);
        const share = { id: "shr_new", createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), includeMedia: true };
        shares = [share, ...shares];
        return json(201, { id: share.id, token: "sh_secret", url: "http://127.0.0.1:3000/s/sh_secret", expiresAt: share.expiresAt });
      },
      "DELETE /v1/jobs/job_1/shares/shr_old": () => {
        revoked.push("shr_old");
        shares = shares.filter((share) => share.id !== "shr_old");
        return new Response(null, { status: 204 });
      },
    },
    USER,
  );
  await settle();
  const open = view.container.querySelector<HTMLButtonElement>("[data-testid=share-open]")!;
  assert.match(open.textContent ?? "", /Share1 live link/);
  click(open);
  await settle();
  const days = inDialog<HTMLInputElement>("[data-testid=share-days]")!;
  assert.equal(days.value, "30");
  assert.equal(document.activeElement, days);
  assert.equal(document.querySelectorAll("[data-testid=share-list] [data-share-id]").length, 2, "a row and its button");

  type(days, "400");
  submit(document.querySelector<HTMLFormElement>(".share-form")!);
  await settle();
  assert.match(inDialog(".field-error")?.textContent ?? "", /from 1 to 365 days/);
  assert.equal(created.length, 0, "nothing sent");

  type(days, "7");
  click(inDialog("[data-testid=share-media]")!);
  click(inDialog("[data-testid=share-create]")!);
  await settle();
  assert.deepEqual(created.map((call) => call.body), [{ expiresInDays: 7, includeMedia: true }]);
  const url = inDialog<HTMLInputElement>("[data-testid=share-url]")!;
  assert.equal(url.value, "http://127.0.0.1:3000/s/sh_secret");
  assert.ok(url.readOnly);
  assert.equal(document.activeElement, url);
  assert.match(inDialog(".share-created")?.textContent ?? "", /shown only this once/);
  assert.ok(byText(document.querySelector("[role=dialog]")!, "button", "Copy link"));
  const rows = () => [...document.querySelectorAll<HTMLElement>("[data-testid=share-list] li")].map((row) => [row.dataset.shareId, row.querySelector(".pill")?.textContent]);
  assert.deepEqual(rows(), [
    ["shr_new", "With audio"],
    ["shr_old", "Transcript only"],
  ]);

  // Revoke: the dialog gives way to the confirmation; Cancel keeps the link, Revoke link revokes it.
  click(document.querySelector("[data-testid=share-revoke][data-share-id=shr_old]")!);
  assert.equal(document.querySelector("[role=dialog] h2")?.textContent, "Revoke this link?");
  click(byText(document.querySelector("[role=dialog]")!, "button", "Cancel"));
  await settle();
  assert.deepEqual(revoked, []);
  assert.ok(inDialog("[data-testid=share-url]"), "back to the dialog, the new link still shown");
  click(document.querySelector("[data-testid=share-revoke][data-share-id=shr_old]")!);
  click(byText(document.querySelector("[role=dialog]")!, "button", "Revoke link"));
  await settle();
  assert.deepEqual(revoked, ["shr_old"]);
  assert.deepEqual(rows(), [["shr_new", "With audio"]]);
  assert.match(view.container.querySelector("[data-testid=share-open]")?.textContent ?? "", /Share1 live link/);

  click(byText(document.querySelector("[role=dialog]")!, "button", "Done"));
  await settle();
  assert.equal(document.querySelector("[role=dialog]"), null);
  view.unmount();
});

test("a job that is not done has no Share button", async () => {
  const view = renderApp("/jobs/job_1", { "GET /v1/jobs/job_1": () => json(200, job({ status: "transcribing" })) }, USER);
  await settle();
  assert.equal(view.container.querySelector("[data-testid=share-open]"), null);
  assert.ok(!view.calls.some((call) => call.path.endsWith("/shares")));
  view.unmount();
});
