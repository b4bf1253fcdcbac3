import "./support/dom";
import assert from "node:assert/strict";
import { test } from "node:test";
import { act } from "react-dom/test-utils";
import type { Job } from "../src/api/types";
import { ApiClient } from "../src/api/client";
import { MemorySessionStore } from "../src/api/session";
import { AuthProvider } from "../src/auth";
import { Downloads } from "../src/components/Downloads";
import { ToastProvider } from "../src/components/Toasts";
import { renderApp } from "./support/app";
import { fakeFetch, json, type Call, type Responder } from "./support/fetch";
import { byText, click, render, settle, type } from "./support/render";

const USER = { id: "usr_1", email: "ada@example.com", emailVerified: true, createdAt: "2026-03-01T00:00:00Z" };

function job(id: string, fields: Partial<Job> = {}): Job {
  return {
    id,
    title: `${id}.wav`,
    filename: `${id}.wav`,
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

/** Submits a form as Enter does in a browser (jsdom does not). */
const submit = (form: HTMLFormElement) => act(() => void form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true })));
/** Lets `ms` pass (a debounce), React's updates inside. */
const pass = (ms: number) => act(() => new Promise<void>((resolve) => setTimeout(resolve, ms)));
const param = (call: Call, name: string) => new URL(call.url, "http://x").searchParams.get(name);

test("the dashboard shows each job's tags; a tag's chip filters the list by it (in the address), and the filter clears", async () => {
  const jobs = [job("a", { tags: ["interview", "2026"] }), job("b", { tags: ["Speech"] }), job("c")];
  const listed: Call[] = [];
  const view = renderApp(
    "/",
    {
      "GET /v1/jobs": (call) => {
        listed.push(call);
        const tag = param(call, "tag")?.toLowerCase();
        return json(200, { jobs: tag ? jobs.filter((item) => item.tags.some((t) => t.toLowerCase() === tag)) : jobs, nextCursor: null });
      },
    },
    USER,
  );
  await settle();
  const chips = (row: string) => [...view.container.querySelectorAll(`[data-job-id=${row}] .tag`)].map((chip) => chip.textContent);
  assert.deepEqual(chips("a"), ["interview", "2026"]);
  assert.deepEqual(chips("c"), []);
  const chip = view.container.querySelector<HTMLAnchorElement>("[data-job-id=b] a.tag[data-tag=Speech]")!;
  assert.equal(chip.getAttribute("href"), "/?tag=Speech");
  assert.equal(chip.getAttribute("aria-label"), "Show transcripts tagged “Speech”");
  assert.equal(view.container.querySelector("[data-testid=tag-filter]"), null);

  click(chip);
  await settle();
  assert.equal(window.location.pathname + window.location.search, "/?tag=Speech");
  assert.equal(param(listed[listed.length - 1], "tag"), "Speech");
  assert.deepEqual(
    [...view.container.querySelectorAll(".job-row")].map((row) => row.getAttribute("data-job-id")),
    ["b"],
  );
  assert.equal(view.container.querySelector("[data-testid=tag-filter-value]")?.textContent, "Speech");
  const clear = view.container.querySelector<HTMLButtonElement>("[data-testid=tag-filter-clear]")!;
  assert.equal(clear.getAttribute("aria-label"), "Clear the tag filter “Speech”");

  // A search keeps the tag, and a tag's link keeps the search.
  type(view.container.querySelector<HTMLInputElement>("#job-search")!, "b");
  await pass(350);
  await settle();
  assert.equal(window.location.search, "?tag=Speech&q=b");
  assert.equal(param(listed[listed.length - 1], "q"), "b");
  assert.equal(param(listed[listed.length - 1], "tag"), "Speech");
  assert.equal(view.container.querySelector("[data-job-id=b] a.tag")?.getAttribute("href"), "/?q=b&tag=Speech");

  click(view.container.querySelector("[data-testid=tag-filter-clear]")!);
  await settle();
  assert.equal(window.location.search, "?q=b");
  assert.equal(param(listed[listed.length - 1], "tag"), null);
  assert.equal(view.container.querySelector("[data-testid=tag-filter]"), null);
  view.unmount();
});

test("a tag no job has says so", async () => {
  const view = renderApp("/?tag=nothing", { "GET /v1/jobs": () => json(200, { jobs: [], nextCursor: null }) }, USER);
  await settle();
  assert.match(view.container.querySelector(".empty")?.textContent ?? "", /No transcripts are tagged “nothing”/);
  view.unmount();
});

test("the job page shows its tags and lets them be edited: checked first, then one PATCH", async () => {
  const patches: Call[] = [];
  let current = job("job_1", { tags: ["interview"] });
  const view = renderApp(
    "/jobs/job_1",
    {
      "GET /v1/jobs/job_1": () => json(200, current),
      "GET /v1/jobs/job_1/transcript": () => json(200, { jobId: "job_1", language: "en", durationSec: 1, text: "", segments: [], version: 1 }),
      "GET /v1/jobs/job_1/media": () => json(200, { url: "http://127.0.0.1:3000/m.mp3", expiresAt: new Date(Date.now() + 3_600_000).toISOString() }),
      "PATCH /v1/jobs/job_1": (call) => {
        patches.push(call);
        current = { ...current, ...(call.body as Partial<Job>) };
        return json(200, current);
      },
    },
    USER,
  );
  await settle();
  const tags = () => [...view.container.querySelectorAll("[data-testid=job-tags] .tag")].map((chip) => chip.textContent);
  assert.deepEqual(tags(), ["interview"]);
  assert.equal(view.container.querySelector("[data-testid=job-tags] a.tag")?.getAttribute("href"), "/?tag=interview");

  click(view.container.querySelector("[data-testid=job-tags-edit]")!);
  const input = view.container.querySelector<HTMLInputElement>("[data-testid=job-tags-input]")!;
  assert.equal(document.activeElement, input);
  assert.equal(input.value, "interview");
  assert.equal(view.container.querySelector(`label[for=${input.id}]`)?.textContent, "Tags");
  assert.match(document.getElementById("job-tags-hint")?.textContent ?? "", /Separate tags with commas/);

  type(input, `interview, ${"x".repeat(41)}`);
  submit(input.form!);
  await settle();
  assert.equal(patches.length, 0);
  assert.match(view.container.querySelector("#job-tags-error")?.textContent ?? "", /at most 40 characters/);
  assert.equal(input.getAttribute("aria-invalid"), "true");

  type(input, "interview,  Kennedy , 1961, interview");
  submit(input.form!);
  await settle();
  assert.deepEqual(patches[0].body, { tags: ["interview", "Kennedy", "1961"] });
  assert.equal(patches[0].method, "PATCH");
  assert.deepEqual(tags(), ["interview", "Kennedy", "1961"]);
  assert.equal(document.activeElement, view.container.querySelector("[data-testid=job-tags-edit]"), "focus back on the button");
  view.unmount();
});

test("the new-job form sends the tags typed, and refuses too many", async () => {
  const bodies: unknown[] = [];
  const view = renderApp(
    "/new",
    {
      "POST /v1/jobs": (call) => {
        bodies.push(call.body);
        return json(201, { job: job("job_1", { status: "queued" }), upload: null });
      },
      "GET /v1/jobs/job_1": () => json(200, job("job_1", { status: "queued" })),
    },
    USER,
  );
  await settle();
  click(byText(view.container, "label", "Paste a link").querySelector("input")!);
  type(view.container.querySelector<HTMLInputElement>("input[type=url]")!, "https://example.com/talk.mp3");
  const tags = view.container.querySelector<HTMLInputElement>("[data-testid=new-job-tags]")!;
  assert.match(view.container.querySelector(`label[for="${tags.id}"]`)?.textContent ?? "", /^Tags/);
  type(tags, Array.from({ length: 21 }, (_, i) => `t${i}`).join(", "));
  submit(tags.form!);
  await settle();
  assert.equal(bodies.length, 0);
  assert.equal(tags.getAttribute("aria-invalid"), "true");
  type(tags, " talk, 2026 ");
  submit(tags.form!);
  await settle();
  assert.deepEqual((bodies[0] as { tags: string[] }).tags, ["talk", "2026"]);
  view.unmount();
});

// MARK: - Downloads

/** The files saved (a download link clicked), by name, with their contents. */
function captureSaves() {
  const saved: { name: string; url: string }[] = [];
  const proto = HTMLAnchorElement.prototype as HTMLAnchorElement & { click: () => void };
  const original = proto.click;
  proto.click = function click(this: HTMLAnchorElement) {
    saved.push({ name: this.download, url: this.href });
  };
  const created: Blob[] = [];
  const { createObjectURL, revokeObjectURL } = URL;
  URL.createObjectURL = (blob: Blob) => {
    created.push(blob);
    return `blob:test/${created.length}`;
  };
  URL.revokeObjectURL = () => undefined;
  // saveBlob revokes the URL after 10 s: that timer must not hold the test process open.
  const realTimeout = globalThis.setTimeout;
  globalThis.setTimeout = ((fn: () => void, ms?: number) => {
    const timer = realTimeout(fn, ms);
    if ((ms ?? 0) >= 10_000) (timer as unknown as { unref?: () => void }).unref?.();
    return timer;
  }) as typeof setTimeout;
  return {
    saved,
    created,
    restore() {
      proto.click = original;
      URL.createObjectURL = createObjectURL;
      URL.revokeObjectURL = revokeObjectURL;
      globalThis.setTimeout = realTimeout;
    },
  };
}

function downloads(routes: Record<string, Responder>) {
  const { fetch, calls } = fakeFetch(routes);
  const api = new ApiClient({ store: new MemorySessionStore({ user: USER, accessToken: "at_1", accessExpiresAt: Date.now() + 600_000 }), fetch });
  const view = render(
    <AuthProvider api={api}>
      <ToastProvider>
        <Downloads jobId="job_1" title="Inaugural address.wav" />
      </ToastProvider>
    </AuthProvider>,
  );
  return { view, calls };
}

const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

test("Word and Markdown download as files; the Word file as bytes, named after the title", async () => {
  const capture = captureSaves();
  try {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0xff, 0x00, 0x80]);
    const { view, calls } = downloads({
      "GET /v1/jobs/job_1/transcript": (call) =>
        param(call, "format") === "docx"
          ? new Response(zip, { status: 200, headers: { "Content-Type": DOCX } })
          : new Response("# Inaugural address\n", { status: 200, headers: { "Content-Type": "text/markdown" } }),
    });
    const labels = [...view.container.querySelectorAll("[data-format]")].map((button) => button.textContent);
    assert.deepEqual(labels, ["Text (Plain text)", "SRT (Subtitles (SubRip))", "WebVTT (Subtitles for the web)", "JSON (Segments and words with times)", "Markdown (Text with headings, for notes and wikis)", "Word (A Word document (.docx))"]);

    click(view.container.querySelector("[data-testid=download-docx]")!);
    await settle();
    assert.equal(calls[0].url, "/v1/jobs/job_1/transcript?format=docx");
    assert.equal(calls[0].headers.accept, "*/*");
    assert.deepEqual(capture.saved.map((file) => file.name), ["Inaugural address.docx"]);
    const bytes = new Uint8Array(await capture.created[0].arrayBuffer());
    assert.deepEqual([...bytes], [...zip], "the bytes as sent, not text decoded and encoded again");
    assert.equal(capture.created[0].type, DOCX);

    // Timestamps, where they apply.
    const box = view.container.querySelector<HTMLInputElement>("#download-timestamps")!;
    assert.equal(view.container.querySelector("label[for=download-timestamps]")?.textContent, "Include timestamps");
    click(box);
    assert.equal(box.checked, true);
    click(view.container.querySelector("[data-testid=download-md]")!);
    await settle();
    assert.equal(calls[1].url, "/v1/jobs/job_1/transcript?format=md&timestamps=true");
    assert.equal(capture.saved[1].name, "Inaugural address.md");
    view.unmount();
  } finally {
    capture.restore();
  }
});

test("subtitle settings are checked before downloading, then sent with SRT and WebVTT", async () => {
  const capture = captureSaves();
  try {
    const { view, calls } = downloads({
      "GET /v1/jobs/job_1/transcript": () => new Response("1\n00:00:00,000 --> 00:00:01,000\nAsk not\n", { status: 200, headers: { "Content-Type": "application/x-subrip" } }),
    });
    const details = view.container.querySelector<HTMLDetailsElement>("[data-testid=subtitle-settings]")!;
    assert.equal(details.querySelector("summary")?.textContent, "Subtitle settings");
    const line = view.container.querySelector<HTMLInputElement>("#subtitle-maxLineLength")!;
    assert.equal(view.container.querySelector("label[for=subtitle-maxLineLength]")?.textContent, "Characters per line");
    assert.deepEqual([line.min, line.max, line.value], ["10", "100", "42"]);
    assert.deepEqual(
      ["maxLines", "maxCueSeconds", "minGapMs"].map((name) => {
        const input = view.container.querySelector<HTMLInputElement>(`#subtitle-${name}`)!;
        return [input.min, input.max, input.value];
      }),
      [
        ["1", "4", "2"],
        ["1", "30", "7"],
        ["0", "2000", "0"],
      ],
    );

    type(line, "5");
    assert.match(view.container.querySelector("#subtitle-maxLineLength-error")?.textContent ?? "", /must be from 10 to 100 characters/);
    assert.equal(line.getAttribute("aria-invalid"), "true");
    click(view.container.querySelector("[data-testid=download-srt]")!);
    await settle();
    assert.equal(calls.length, 0, "nothing is fetched with a setting out of range");
    assert.equal(details.open, true, "the settings open to show what to fix");

    // Settings change nothing in other formats.
    click(view.container.querySelector("[data-testid=download-json]")!);
    await settle();
    assert.equal(calls[0].url, "/v1/jobs/job_1/transcript?format=json");

    type(line, "20");
    assert.equal(view.container.querySelector("#subtitle-maxLineLength-error"), null);
    type(view.container.querySelector<HTMLInputElement>("#subtitle-minGapMs")!, "80");
    click(view.container.querySelector("[data-testid=download-srt]")!);
    await settle();
    assert.equal(calls[1].url, "/v1/jobs/job_1/transcript?format=srt&maxLineLength=20&minGapMs=80");
    click(view.container.querySelector("[data-testid=download-vtt]")!);
    await settle();
    assert.equal(calls[2].url, "/v1/jobs/job_1/transcript?format=vtt&maxLineLength=20&minGapMs=80");
    assert.deepEqual(capture.saved.map((file) => file.name), ["Inaugural address.json", "Inaugural address.srt", "Inaugural address.vtt"]);
    view.unmount();
  } finally {
    capture.restore();
  }
});
