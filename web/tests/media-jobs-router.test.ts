import assert from "node:assert/strict";
import { test } from "node:test";
import type { Job } from "../src/api/types";
import { overallPercent, progressText, statusChanges } from "../src/lib/jobs";
import { languageName, languageOptions } from "../src/lib/languages";
import { filenameOfUrl, isHttpUrl, mediaTypeOf } from "../src/lib/media";
import { safeNext } from "../src/pages/LoginPage";
import { matchPath } from "../src/router";

function job(fields: Partial<Job>): Job {
  return {
    id: "job_1",
    title: "talk.mp3",
    filename: "talk.mp3",
    status: "queued",
    progress: { chunksDone: 0, chunksTotal: 0, percent: 0 },
    source: { type: "upload" },
    options: { language: "auto" },
    webhook: null,
    durationSec: null,
    language: null,
    createdAt: "2026-03-12T12:00:00Z",
    updatedAt: "2026-03-12T12:00:00Z",
    tags: [],
    ...fields,
  };
}

test("a file's media type: the browser's when it is audio or video, else from its extension", () => {
  assert.equal(mediaTypeOf({ name: "talk.mp3", type: "audio/mpeg" }), "audio/mpeg");
  assert.equal(mediaTypeOf({ name: "clip.mkv", type: "" }), "video/x-matroska");
  assert.equal(mediaTypeOf({ name: "voice.M4A", type: "" }), "audio/mp4");
  assert.equal(mediaTypeOf({ name: "x.webm", type: "video/webm;codecs=vp9" }), "video/webm");
  assert.equal(mediaTypeOf({ name: "notes.txt", type: "text/plain" }), null);
  assert.equal(mediaTypeOf({ name: "README", type: "" }), null);
  assert.equal(mediaTypeOf({ name: "talk.mp3", type: "application/octet-stream" }), "audio/mpeg");
});

test("links are http(s) URLs, named by their last path segment", () => {
  assert.ok(isHttpUrl("https://example.com/a.mp3"));
  assert.ok(isHttpUrl(" http://127.0.0.1:8000/jfk.wav "));
  assert.ok(!isHttpUrl("ftp://example.com/a.mp3"));
  assert.ok(!isHttpUrl("example.com/a.mp3"));
  assert.ok(!isHttpUrl("javascript:alert(1)"));
  assert.equal(filenameOfUrl("https://example.com/shows/ep%2012.mp3?x=1"), "ep 12.mp3");
  assert.equal(filenameOfUrl("https://example.com/"), "example.com");
});

test("overall progress moves through the stages and the chunks", () => {
  assert.equal(overallPercent(job({ status: "queued" })), 2);
  assert.equal(overallPercent(job({ status: "transcoding" })), 18);
  assert.equal(overallPercent(job({ status: "transcribing", progress: { chunksDone: 0, chunksTotal: 4, percent: 0 } })), 25);
  assert.equal(overallPercent(job({ status: "transcribing", progress: { chunksDone: 2, chunksTotal: 4, percent: 50 } })), 60);
  assert.equal(overallPercent(job({ status: "transcribing", progress: { chunksDone: 9, chunksTotal: 4, percent: 100 } })), 95);
  assert.equal(overallPercent(job({ status: "finalizing" })), 97);
  assert.equal(overallPercent(job({ status: "done" })), 100);
});

test("progress text says what the job is doing", () => {
  assert.equal(progressText(job({ status: "queued" })), "Waiting for the upload");
  assert.equal(progressText(job({ status: "queued", source: { type: "url", url: "https://x/y.mp3" } })), "Waiting to start");
  assert.equal(progressText(job({ status: "transcribing", progress: { chunksDone: 1, chunksTotal: 1, percent: 100 } })), "Transcribing: 1 of 1 part");
  assert.equal(progressText(job({ status: "transcribing", progress: { chunksDone: 2, chunksTotal: 5, percent: 40 } })), "Transcribing: 2 of 5 parts");
});

test("status changes between two looks are announced once, done or failed", () => {
  const before = [job({ id: "a", status: "transcribing" }), job({ id: "b", title: "b.wav", status: "queued" }), job({ id: "c", status: "done" })];
  const after = [
    job({ id: "a", status: "done" }),
    job({ id: "b", title: "b.wav", status: "failed", error: { code: "not_media", message: "Not audio." } }),
    job({ id: "c", status: "done" }),
    job({ id: "d", status: "done" }),
  ];
  assert.deepEqual(statusChanges(before, after), ["“talk.mp3” is done.", "“b.wav” failed: Not audio."]);
});

test("routes match with decoded parameters", () => {
  assert.deepEqual(matchPath("/jobs/:id", "/jobs/job_1"), { id: "job_1" });
  assert.deepEqual(matchPath("/jobs/:id", "/jobs/a%20b/"), { id: "a b" });
  assert.equal(matchPath("/jobs/:id", "/jobs"), null);
  assert.equal(matchPath("/jobs/:id", "/jobs/1/extra"), null);
  assert.equal(matchPath("/jobs/:id", "/jobs/%E0%A4%A"), null);
});

test("after signing in, only paths inside the app are followed", () => {
  assert.equal(safeNext("/jobs/job_1"), "/jobs/job_1");
  assert.equal(safeNext(null), "/");
  assert.equal(safeNext("https://evil.example/"), "/");
  assert.equal(safeNext("//evil.example/"), "/");
  assert.equal(safeNext("/\\evil.example/"), "/");
});

test("languages have names, English first", () => {
  assert.equal(languageName("de"), "German");
  assert.equal(languageName("haw"), "Hawaiian");
  assert.equal(languageName("auto"), "Detect automatically");
  assert.equal(languageName(null), "—");
  const options = languageOptions();
  assert.equal(options[0].code, "en");
  assert.equal(options.length, 100);
});
