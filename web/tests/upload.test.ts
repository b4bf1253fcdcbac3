import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../src/api/errors";
import { s3ErrorMessage, uploadFile, type UploadProgress } from "../src/api/upload";

/** An XMLHttpRequest that records what it is told and lets the test play the network. */
class FakeXhr {
  method = "";
  url = "";
  headers: Record<string, string> = {};
  body: unknown;
  status = 0;
  responseText = "";
  upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ loaded, total, lengthComputable: true } as ProgressEvent);
  }
  finish(status: number, text = "") {
    this.status = status;
    this.responseText = text;
    this.onload?.();
  }
}

const TARGET = {
  url: "http://127.0.0.1:4566/bucket/uploads/u/j/source?X-Amz-Signature=abc",
  method: "PUT" as const,
  headers: { "Content-Type": "audio/wav", "Content-Length": "4" },
  expiresAt: "2026-03-12T13:00:00Z",
};

test("the file is PUT with the signed headers, reporting progress to the end", async () => {
  const xhr = new FakeXhr();
  const file = new Blob(["RIFF"], { type: "audio/wav" });
  const seen: UploadProgress[] = [];
  const done = uploadFile(TARGET, file, (progress) => seen.push(progress), undefined, () => xhr as unknown as XMLHttpRequest);
  assert.equal(xhr.method, "PUT");
  assert.equal(xhr.url, TARGET.url);
  assert.deepEqual(xhr.headers, { "Content-Type": "audio/wav" }); // The browser sets the length itself.
  assert.equal(xhr.body, file);
  xhr.progress(1, 4);
  xhr.progress(3, 4);
  xhr.finish(200);
  await done;
  assert.deepEqual(
    seen.map((progress) => progress.percent),
    [25, 75, 100],
  );
});

test("storage's refusal is reported with its reason", async () => {
  const xhr = new FakeXhr();
  const done = uploadFile(TARGET, new Blob(["RIFF"]), () => undefined, undefined, () => xhr as unknown as XMLHttpRequest);
  xhr.finish(403, "<?xml version='1.0'?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match.</Message></Error>");
  await assert.rejects(done, (error: unknown) => error instanceof ApiError && error.code === "upload_failed" && error.message === "Storage refused the file: The request signature we calculated does not match.");
});

test("a network failure and a cancelled upload are told apart", async () => {
  const failing = new FakeXhr();
  const failed = uploadFile(TARGET, new Blob(["RIFF"]), () => undefined, undefined, () => failing as unknown as XMLHttpRequest);
  failing.onerror?.();
  await assert.rejects(failed, { code: "network" });

  const cancelled = new FakeXhr();
  const controller = new AbortController();
  const aborted = uploadFile(TARGET, new Blob(["RIFF"]), () => undefined, controller.signal, () => cancelled as unknown as XMLHttpRequest);
  controller.abort();
  await assert.rejects(aborted, { code: "aborted" });
});

test("S3 error documents give up their message", () => {
  assert.equal(s3ErrorMessage("<Error><Code>X</Code><Message> Too big </Message></Error>"), "Too big");
  assert.equal(s3ErrorMessage("plain text"), undefined);
});
