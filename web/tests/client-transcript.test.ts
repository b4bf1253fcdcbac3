import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiClient } from "../src/api/client";
import { ApiError } from "../src/api/errors";
import { MemorySessionStore } from "../src/api/session";
import { fakeFetch, json } from "./support/fetch";

const NOW = Date.parse("2026-03-12T12:00:00Z");
const USER = { id: "usr_1", email: "ada@example.com", emailVerified: true, createdAt: "2026-03-01T00:00:00Z" };
const TRANSCRIPT = { jobId: "job_1", language: "en", durationSec: 2, text: "Hi.", segments: [] };

function client(routes: Parameters<typeof fakeFetch>[0]) {
  const { fetch, calls } = fakeFetch(routes);
  const api = new ApiClient({ store: new MemorySessionStore({ user: USER, accessToken: "at_1", accessExpiresAt: NOW + 600_000 }), fetch, now: () => NOW });
  return { api, calls };
}

test("the transcript's version comes from its body, else from its ETag", async () => {
  let body: Record<string, unknown> = { ...TRANSCRIPT, version: 3 };
  const { api, calls } = client({ "GET /v1/jobs/job_1/transcript": () => json(200, body, { ETag: '"3"' }) });
  assert.equal((await api.transcript("job_1")).version, 3);
  body = { ...TRANSCRIPT };
  assert.equal((await api.transcript("job_1")).version, 3, "from the ETag");
  assert.equal(calls[0].cache, "no-store");
  const original = await api.originalTranscript("job_1");
  assert.equal(calls[2].url, "/v1/jobs/job_1/transcript?format=json&version=original");
  assert.equal(original.jobId, "job_1");
});

test("edits are a PATCH with If-Match of the version they were made on; the answer is the new version", async () => {
  const { api, calls } = client({
    "PATCH /v1/jobs/job_1/transcript": () => json(200, { ...TRANSCRIPT, version: 8 }, { ETag: '"8"' }),
  });
  const next = await api.editTranscript("job_1", 7, [{ segment: 0, text: "Hello." }, { split: { segment: 2, atWord: 5 } }]);
  assert.equal(next.version, 8);
  assert.equal(calls[0].method, "PATCH");
  assert.equal(calls[0].headers["if-match"], '"7"');
  assert.equal(calls[0].headers["content-type"], "application/json");
  assert.deepEqual(calls[0].body, { edits: [{ segment: 0, text: "Hello." }, { split: { segment: 2, atWord: 5 } }] });
});

test("a stale version is a 412 ApiError that carries the current version; a missing one a 428", async () => {
  const { api } = client({
    "PATCH /v1/jobs/job_1/transcript": () => json(412, { error: { code: "version_mismatch", message: "The transcript is at version 9 now." }, version: 9 }),
    "PATCH /v1/jobs/job_2/transcript": () => json(428, { error: { code: "precondition_required", message: "Send If-Match." } }),
  });
  await assert.rejects(api.editTranscript("job_1", 7, [{ merge: { segment: 0 } }]), (error: ApiError) => {
    assert.equal(error.status, 412);
    assert.equal(error.code, "version_mismatch");
    assert.equal(error.message, "The transcript is at version 9 now.");
    assert.equal(error.body?.version, 9);
    return true;
  });
  await assert.rejects(api.editTranscript("job_2", 7, [{ merge: { segment: 0 } }]), (error: ApiError) => error.status === 428 && error.code === "precondition_required");
});

test("revert is a POST, with If-Match when a version is given; a speaker rename answers the new version too", async () => {
  const { api, calls } = client({
    "POST /v1/jobs/job_1/transcript/revert": () => json(200, { ...TRANSCRIPT, version: 10 }),
    "PATCH /v1/jobs/job_1/speakers": () => json(200, { ...TRANSCRIPT, speakers: [{ id: "S1", name: "Ada" }] }, { ETag: '"11"' }),
  });
  assert.equal((await api.revertTranscript("job_1", 9)).version, 10);
  assert.equal(calls[0].method, "POST");
  assert.equal(calls[0].headers["if-match"], '"9"');
  await api.revertTranscript("job_1");
  assert.equal(calls[1].headers["if-match"], undefined);
  assert.equal((await api.renameSpeakers("job_1", { S1: "Ada" })).version, 11);
});

test("jobs are listed by tag and search; a job's title and tags change with one PATCH", async () => {
  const { api, calls } = client({
    "GET /v1/jobs": () => json(200, { jobs: [], nextCursor: null }),
    "PATCH /v1/jobs/job_1": (call) => json(200, { id: "job_1", ...(call.body as object) }),
  });
  await api.listJobs({ limit: 20, q: " kennedy ", tag: " Speech " });
  assert.equal(calls[0].url, "/v1/jobs?limit=20&q=kennedy&tag=Speech");
  await api.listJobs({ tag: null });
  assert.equal(calls[1].url, "/v1/jobs");
  await api.updateJob("job_1", { tags: ["a", "b"] });
  assert.deepEqual(calls[2].body, { tags: ["a", "b"] });
  assert.equal(calls[2].method, "PATCH");
  await api.renameJob("job_1", "Kennedy");
  assert.deepEqual(calls[3].body, { title: "Kennedy" });
});

test("downloads carry their options in the query", async () => {
  const { api, calls } = client({ "GET /v1/jobs/job_1/transcript": () => new Response("x", { status: 200 }) });
  await api.transcriptFile("job_1", "srt", { subtitles: { maxLineLength: 20 } });
  await api.transcriptFile("job_1", "txt", { timestamps: true });
  await api.transcriptFile("job_1", "docx");
  assert.deepEqual(
    calls.map((call) => call.url),
    ["/v1/jobs/job_1/transcript?format=srt&maxLineLength=20", "/v1/jobs/job_1/transcript?format=txt&timestamps=true", "/v1/jobs/job_1/transcript?format=docx"],
  );
});
