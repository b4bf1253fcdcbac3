import "./support/dom";
import assert from "node:assert/strict";
import { test } from "node:test";
import { act } from "react-dom/test-utils";
import type { Job } from "../src/api/types";
import { Dropzone } from "../src/components/Dropzone";
import { JobRow } from "../src/components/JobRow";
import { ProgressBar } from "../src/components/ProgressBar";
import { fileProblem } from "../src/pages/NewJobPage";
import { RouterProvider } from "../src/router";
import { renderApp } from "./support/app";
import { json, type Responder } from "./support/fetch";
import { byText, click, key, render, settle, type } from "./support/render";

const USER = { id: "usr_1", email: "ada@example.com", emailVerified: true, createdAt: "2026-03-01T00:00:00Z" };

function job(id: string, fields: Partial<Job> = {}): Job {
  return {
    id,
    title: `${id}.mp3`,
    filename: `${id}.mp3`,
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

/** The whole app at `path`, over a scripted API, signed in or not. */
function app(path: string, routes: Record<string, Responder>, signedIn = true) {
  return renderApp(path, routes, signedIn ? USER : null);
}

test("a progress bar tells assistive technology its value", () => {
  const view = render(<ProgressBar value={42.4} label="Upload progress" valueText="42% uploaded" />);
  const bar = view.container.querySelector("[role=progressbar]")!;
  assert.equal(bar.getAttribute("aria-label"), "Upload progress");
  assert.equal(bar.getAttribute("aria-valuenow"), "42");
  assert.equal(bar.getAttribute("aria-valuetext"), "42% uploaded");
  view.unmount();
  const waiting = render(<ProgressBar label="Waiting" />);
  assert.equal(waiting.container.querySelector("[role=progressbar]")?.getAttribute("aria-valuenow"), null);
  waiting.unmount();
});

test("a job row renames in place: Enter saves the trimmed title, Escape cancels", async () => {
  const renamed: string[] = [];
  const view = render(
    <RouterProvider>
      <ul>
        <JobRow job={job("job_1")} now={Date.now()} onRename={async (_job, title) => void renamed.push(title)} onDelete={() => undefined} />
      </ul>
    </RouterProvider>,
  );
  const rename = view.container.querySelector<HTMLButtonElement>("button[aria-label='Rename “job_1.mp3”']")!;
  click(rename);
  const input = view.container.querySelector<HTMLInputElement>("input[aria-label='New title for “job_1.mp3”']")!;
  assert.equal(document.activeElement, input, "the field takes focus");
  type(input, "  Board meeting  ");
  key(input, "Enter");
  // Enter submits the form (jsdom does not, so submit as the browser would).
  input.form!.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
  await settle();
  assert.deepEqual(renamed, ["Board meeting"]);
  assert.equal(view.container.querySelector("input"), null);

  click(view.container.querySelector("button[aria-label='Rename “job_1.mp3”']")!);
  key(view.container.querySelector("input")!, "Escape");
  assert.equal(view.container.querySelector("input"), null);
  assert.equal(document.activeElement?.getAttribute("aria-label"), "Rename “job_1.mp3”", "focus returns to the button");
  view.unmount();
});

test("a failed job shows its reason; a running one its progress", () => {
  const failed = job("bad", { status: "failed", error: { code: "not_media", message: "The file is not audio or video that can be read." } });
  const running = job("run", { status: "transcribing", progress: { chunksDone: 1, chunksTotal: 4, percent: 25 } });
  const view = render(
    <RouterProvider>
      <ul>
        <JobRow job={failed} now={Date.now()} onRename={async () => undefined} onDelete={() => undefined} />
        <JobRow job={running} now={Date.now()} onRename={async () => undefined} onDelete={() => undefined} />
      </ul>
    </RouterProvider>,
  );
  assert.match(view.container.querySelector("[data-job-id=bad] .job-error")?.textContent ?? "", /not audio or video/);
  const bar = view.container.querySelector("[data-job-id=run] [role=progressbar]")!;
  assert.equal(bar.getAttribute("aria-valuenow"), "43");
  assert.match(bar.getAttribute("aria-valuetext") ?? "", /Transcribing: 1 of 4 parts/);
  view.unmount();
});

test("the dashboard pages through jobs with the API's cursors", async () => {
  const pages: Record<string, { jobs: Job[]; nextCursor: string | null }> = {
    "": { jobs: [job("a"), job("b")], nextCursor: "cur_2" },
    cur_2: { jobs: [job("c")], nextCursor: null },
  };
  const view = app("/", { "GET /v1/jobs": (call) => json(200, pages[new URL(call.url, "http://x").searchParams.get("cursor") ?? ""]) });
  await settle();
  const titles = () => [...view.container.querySelectorAll(".job-title")].map((link) => link.textContent);
  assert.deepEqual(titles(), ["a.mp3", "b.mp3"]);
  assert.equal(byText(view.container, "button", "Newer").hasAttribute("disabled"), true);
  click(byText(view.container, "button", "Older"));
  await settle();
  assert.deepEqual(titles(), ["c.mp3"]);
  assert.match(view.calls[view.calls.length - 1].url, /cursor=cur_2/);
  assert.equal(byText(view.container, "button", "Older").hasAttribute("disabled"), true);
  assert.equal(view.container.querySelector(".pager-page")?.textContent, "Page 2");
  click(byText(view.container, "button", "Newer"));
  await settle();
  assert.deepEqual(titles(), ["a.mp3", "b.mp3"]);
  view.unmount();
});

test("deleting a job asks first, in a dialog that takes focus", async () => {
  let jobs = [job("a"), job("b")];
  const view = app("/", {
    "GET /v1/jobs": () => json(200, { jobs, nextCursor: null }),
    "DELETE /v1/jobs/a": () => {
      jobs = jobs.filter((item) => item.id !== "a");
      return new Response(null, { status: 204 });
    },
  });
  await settle();
  click(view.container.querySelector("button[aria-label='Delete “a.mp3”']")!);
  const dialog = document.querySelector("[role=dialog]")!;
  assert.equal(dialog.getAttribute("aria-modal"), "true");
  assert.match(dialog.textContent ?? "", /Delete “a\.mp3”\?/);
  assert.equal(document.activeElement?.textContent, "Cancel", "the safe choice is focused");
  click(byText(dialog, "button", "Delete"));
  await settle();
  assert.equal(document.querySelector("[role=dialog]"), null);
  assert.deepEqual(
    [...view.container.querySelectorAll(".job-title")].map((link) => link.textContent),
    ["b.mp3"],
  );
  assert.ok(view.calls.some((call) => call.method === "DELETE" && call.path === "/v1/jobs/a"));
  view.unmount();
});

test("a wrong password shows the API's message as an alert", async () => {
  const view = app(
    "/login",
    { "POST /v1/auth/login": () => json(401, { error: { code: "invalid_credentials", message: "The email address or the password is not right." } }) },
    false,
  );
  const email = view.container.querySelector<HTMLInputElement>("input[type=email]")!;
  const password = view.container.querySelector<HTMLInputElement>("input[type=password]")!;
  assert.equal(view.container.querySelector(`label[for="${email.id}"]`)?.textContent, "Email");
  type(email, "ada@example.com");
  type(password, "wrong password");
  email.form!.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
  await settle();
  assert.equal(view.container.querySelector("[role=alert]")?.textContent, "The email address or the password is not right.");
  assert.equal(view.store.read(), null);
  view.unmount();
});

test("signed out, a private page sends to sign-in and comes back after", async () => {
  const view = app("/jobs/job_1", {}, false);
  await settle();
  assert.equal(window.location.pathname + window.location.search, "/login?next=%2Fjobs%2Fjob_1");
  assert.equal(view.container.querySelector("h1")?.textContent, "Sign in");
  view.unmount();
});

test("the verification link's token is spent once", async () => {
  let spent = 0;
  const view = app(
    "/verify-email?token=ev_abc",
    {
      "POST /v1/auth/verify-email": (call) => {
        spent += 1;
        assert.deepEqual(call.body, { token: "ev_abc" });
        return new Response(null, { status: 204 });
      },
    },
    false,
  );
  await settle();
  assert.equal(spent, 1);
  assert.match(view.container.textContent ?? "", /Your address is confirmed/);
  view.unmount();
});

test("a file dropped on the zone is taken; a dragged-over zone says so", () => {
  const picked: (File | null)[] = [];
  const view = render(<Dropzone file={null} onFile={(file) => picked.push(file)} hint="Audio or video" />);
  const zone = view.container.querySelector<HTMLElement>("[data-testid=dropzone]")!;
  const file = new File(["RIFF"], "jfk.wav", { type: "audio/wav" });
  const drag = (type: string) =>
    act(() => {
      zone.dispatchEvent(Object.assign(new Event(type, { bubbles: true, cancelable: true }), { dataTransfer: { files: [file], dropEffect: "none" } }));
    });
  drag("dragenter");
  assert.ok(zone.classList.contains("dropzone-over"));
  drag("drop");
  assert.deepEqual(picked, [file]);
  assert.ok(!zone.classList.contains("dropzone-over"));
  const input = view.container.querySelector<HTMLInputElement>("input[type=file]")!;
  assert.equal(view.container.querySelector(`label[for="${input.id}"]`)?.textContent?.includes("Choose a file"), true);
  view.unmount();
});

test("a picked file that is not media, or too large, is refused with a reason", () => {
  assert.match(fileProblem(new File(["x"], "notes.txt", { type: "text/plain" }), 100) ?? "", /not an audio or video file/);
  assert.match(fileProblem(new File(["12345"], "a.mp3", { type: "audio/mpeg" }), 4) ?? "", /files can be up to 4 B/);
  assert.match(fileProblem(new File([], "a.mp3", { type: "audio/mpeg" }), 4) ?? "", /is empty/);
  assert.equal(fileProblem(new File(["RIFF"], "jfk.wav", { type: "audio/wav" }), 100), null);
  // A text file named .mp3 passes here: the pipeline finds out it is not media, and says so.
  assert.equal(fileProblem(new File(["notes"], "notes.mp3", { type: "" }), 100), null);
});

test("Escape closes a dialog and focus returns to what opened it", async () => {
  let jobs = [job("a")];
  const view = app("/", { "GET /v1/jobs": () => json(200, { jobs, nextCursor: null }) });
  await settle();
  const opener = view.container.querySelector<HTMLButtonElement>("button[aria-label='Delete “a.mp3”']")!;
  opener.focus();
  click(opener);
  const dialog = document.querySelector<HTMLElement>("[role=dialog]")!;
  const buttons = [...dialog.querySelectorAll("button")];
  assert.equal(document.activeElement, buttons[0]);
  const last = buttons[buttons.length - 1];
  last.focus();
  key(last, "Tab"); // Tab from the last control wraps to the first, Shift+Tab back.
  assert.equal(document.activeElement, buttons[0]);
  key(buttons[0], "Tab", { shiftKey: true });
  assert.equal(document.activeElement, last);
  key(dialog, "Escape");
  assert.equal(document.querySelector("[role=dialog]"), null);
  assert.equal(document.activeElement, opener);
  jobs = [];
  view.unmount();
});
