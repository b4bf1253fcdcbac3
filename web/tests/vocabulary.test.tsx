import "./support/dom";
import assert from "node:assert/strict";
import { test } from "node:test";
import { act } from "react-dom/test-utils";
import type { Job, Me, User } from "../src/api/types";
import { speechLanguageOptions } from "../src/lib/languages";
import { MAX_TERMS, parseVocabulary, vocabularyLines } from "../src/lib/vocabulary";
import { renderApp } from "./support/app";
import { json, type Responder } from "./support/fetch";
import { byText, click, settle, type } from "./support/render";

const USER: User = { id: "usr_1", email: "ada@example.com", emailVerified: true, createdAt: "2026-03-01T00:00:00Z" };

function me(fields: Partial<Me> = {}): Me {
  return {
    user: USER,
    plan: "free",
    usage: { month: "2026-03", periodStart: "2026-03-01T00:00:00.000Z", periodEnd: "2026-04-01T00:00:00.000Z", audioSeconds: 0, jobs: 0 },
    limits: { monthlyAudioMinutes: 60, jobsInFlight: 2, maxUploadBytes: 500_000_000, maxFileSeconds: 7200 },
    webhookSecret: "whsec_abc",
    vocabulary: ["Transcriptor", "Whisper"],
    speech: { model: "whisper/tiny.en", languages: ["auto", "en"], translation: false },
    ...fields,
  };
}

function job(fields: Partial<Job> = {}): Job {
  return {
    id: "job_1",
    title: "jfk.wav",
    filename: "jfk.wav",
    status: "queued",
    progress: { chunksDone: 0, chunksTotal: 0, percent: 0 },
    source: { type: "upload" },
    options: { language: "auto", speakers: false },
    webhook: null,
    durationSec: null,
    language: null,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    tags: [],
    ...fields,
  };
}

/** Types into a text area the way React hears it. */
function typeArea(area: HTMLTextAreaElement, value: string): void {
  const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value")?.set;
  act(() => {
    setter?.call(area, value);
    area.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

function submit(form: HTMLFormElement): void {
  act(() => {
    form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
  });
}

test("words to expect split at commas and line breaks: trimmed, empties dropped, a repeat in any case kept once", () => {
  assert.deepEqual(parseVocabulary(" Kennedy,  Transcriptor \n\nkennedy, WHISPER\r\nwhisper ,"), { terms: ["Kennedy", "Transcriptor", "WHISPER"] });
  assert.deepEqual(parseVocabulary(""), { terms: [] });
  assert.deepEqual(parseVocabulary("Smith, John\nACME", { commas: false }), { terms: ["Smith, John", "ACME"] }, "the glossary splits at lines only");
  assert.equal(vocabularyLines(["a", "b c"]), "a\nb c");
});

test("a term over 50 characters, a control character or more than 100 terms are refused with the rule", () => {
  assert.deepEqual(parseVocabulary("x".repeat(50)), { terms: ["x".repeat(50)] });
  const long = parseVocabulary(`ok, ${"y".repeat(51)}`);
  assert.ok("problem" in long && /at most 50 characters/.test(long.problem), JSON.stringify(long));
  const control = parseVocabulary("tab\tinside");
  assert.ok("problem" in control && /U\+0009/.test(control.problem), JSON.stringify(control));
  const many = parseVocabulary(Array.from({ length: MAX_TERMS + 1 }, (_, i) => `t${i}`).join(","));
  assert.ok("problem" in many && /At most 100 terms/.test(many.problem), JSON.stringify(many));
  assert.deepEqual(parseVocabulary(Array.from({ length: MAX_TERMS }, (_, i) => `t${i}`).join("\n")), {
    terms: Array.from({ length: MAX_TERMS }, (_, i) => `t${i}`),
  });
});

test("the language choices are the model's: Detect first, names from the list, every language when unknown", () => {
  assert.deepEqual(speechLanguageOptions(["auto", "en"]), [
    { code: "auto", name: "Detect automatically" },
    { code: "en", name: "English" },
  ]);
  assert.deepEqual(
    speechLanguageOptions(["de", "auto", "xx"]).map((option) => option.code),
    ["auto", "de", "xx"],
  );
  const all = speechLanguageOptions(null);
  assert.equal(all[0].code, "auto");
  assert.equal(all[1].code, "en");
  assert.ok(all.length > 90);
});

test("the new-job form offers the model's languages, sends the words to expect and hides translation the model lacks", async () => {
  const bodies: { options: Record<string, unknown> }[] = [];
  const routes: Record<string, Responder> = {
    "GET /v1/me": () => json(200, me()),
    "POST /v1/jobs": (call) => {
      bodies.push(call.body as { options: Record<string, unknown> });
      return json(201, { job: job(), upload: null });
    },
    "GET /v1/jobs/job_1": () => json(200, job()),
  };
  sessionStorage.clear();
  const view = renderApp("/new", routes, USER);
  await settle();
  const select = view.container.querySelector<HTMLSelectElement>("[data-testid=new-job-language]")!;
  assert.deepEqual([...select.options].map((option) => option.textContent), ["Detect automatically", "English"]);
  assert.equal(view.container.querySelector("[data-testid=new-job-translate]"), null);
  const area = view.container.querySelector<HTMLTextAreaElement>("[data-testid=new-job-vocabulary]")!;
  assert.match(document.getElementById(area.getAttribute("aria-describedby")!)?.textContent ?? "", /names, products, jargon; your glossary is added/i);

  click(byText(view.container, "label", "Paste a link").querySelector("input")!);
  const url = view.container.querySelector<HTMLInputElement>("input[type=url]")!;
  type(url, "https://example.com/jfk.wav");
  typeArea(area, `Kennedy, ${"z".repeat(51)}`);
  submit(url.form!);
  await settle();
  assert.equal(bodies.length, 0, "a refused term is caught before sending");
  assert.match(view.container.textContent ?? "", /at most 50 characters/);

  typeArea(area, " Kennedy \n Ask not, kennedy");
  submit(url.form!);
  await settle();
  assert.deepEqual(bodies[0].options, { language: "auto", speakers: true, vocabulary: ["Kennedy", "Ask not"] });
  view.unmount();
});

test("translation is offered when the model translates, and sent as the task", async () => {
  const bodies: { options: Record<string, unknown> }[] = [];
  sessionStorage.clear();
  const view = renderApp(
    "/new",
    {
      "GET /v1/me": () => json(200, me({ speech: { model: "whisper/small", languages: ["auto", "en", "de"], translation: true } })),
      "POST /v1/jobs": (call) => {
        bodies.push(call.body as { options: Record<string, unknown> });
        return json(201, { job: job(), upload: null });
      },
      "GET /v1/jobs/job_1": () => json(200, job()),
    },
    USER,
  );
  await settle();
  const select = view.container.querySelector<HTMLSelectElement>("[data-testid=new-job-language]")!;
  assert.deepEqual([...select.options].map((option) => option.value), ["auto", "en", "de"]);
  click(view.container.querySelector<HTMLInputElement>("[data-testid=new-job-translate]")!);
  click(byText(view.container, "label", "Paste a link").querySelector("input")!);
  const url = view.container.querySelector<HTMLInputElement>("input[type=url]")!;
  type(url, "https://example.com/rede.wav");
  submit(url.form!);
  await settle();
  assert.deepEqual(bodies[0].options, { language: "auto", speakers: true, task: "translate" });
  view.unmount();
});

test("the glossary loads from the account, saves through PUT and shows the list as kept, or the service's message", async () => {
  const puts: unknown[] = [];
  let answer: Responder = (call) => json(200, { terms: (call.body as { terms: string[] }).terms });
  sessionStorage.clear();
  const view = renderApp(
    "/account",
    {
      "GET /v1/me": () => json(200, me()),
      "PUT /v1/me/vocabulary": (call) => {
        puts.push(call.body);
        return answer(call);
      },
    },
    USER,
  );
  await settle();
  const area = view.container.querySelector<HTMLTextAreaElement>("[data-testid=glossary-input]")!;
  assert.equal(area.value, "Transcriptor\nWhisper");
  typeArea(area, " Kennedy \nTranscriptor\n\nkennedy");
  click(view.container.querySelector("[data-testid=glossary-save]")!);
  await settle();
  assert.deepEqual(puts[0], { terms: ["Kennedy", "Transcriptor"] });
  const status = view.container.querySelector("[data-testid=glossary-status]")!;
  assert.match(status.textContent ?? "", /saved: 2 terms/);
  assert.deepEqual([...status.querySelectorAll(".tag")].map((tag) => tag.textContent), ["Kennedy", "Transcriptor"]);
  assert.equal(area.value, "Kennedy\nTranscriptor");

  answer = () => json(400, { error: { code: "invalid_vocabulary", message: "A term can have at most 50 characters." } });
  typeArea(area, "Kennedy");
  click(view.container.querySelector("[data-testid=glossary-save]")!);
  await settle();
  assert.match(status.querySelector("[role=alert]")?.textContent ?? "", /at most 50 characters/);

  typeArea(area, "x".repeat(51));
  click(view.container.querySelector("[data-testid=glossary-save]")!);
  await settle();
  assert.equal(puts.length, 2, "a refused term is caught before sending");
  view.unmount();
});

test("the job page lists the job's words to expect and says when it was translated", async () => {
  sessionStorage.clear();
  const view = renderApp(
    "/jobs/job_1",
    { "GET /v1/jobs/job_1": () => json(200, job({ options: { language: "auto", speakers: false, vocabulary: ["Kennedy", "Transcriptor"], task: "translate" } })) },
    USER,
  );
  await settle();
  assert.match(view.container.querySelector("[data-testid=job-vocabulary]")?.textContent ?? "", /Words to expect: Kennedy, Transcriptor/);
  assert.equal(view.container.querySelector("[data-testid=job-translated]")?.textContent?.trim(), "Translated to English");
  view.unmount();
});
