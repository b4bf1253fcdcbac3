import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiClient } from "../src/api/client";
import { ApiError } from "../src/api/errors";
import { MemorySessionStore } from "../src/api/session";
import { expiryText, SHARE_DAYS, SHARE_PATH, shareProblem, shareRequest } from "../src/lib/shares";
import { matchPath } from "../src/router";
import { fakeFetch, json } from "./support/fetch";

const NOW = Date.parse("2026-03-12T12:00:00Z");
const USER = { id: "usr_1", email: "ada@example.com", emailVerified: true, createdAt: "2026-03-01T00:00:00Z" };

test("the share form sends whole days from 1 to 365 (30 by default) and whether to include the recording", () => {
  assert.equal(SHARE_DAYS.default, 30);
  assert.deepEqual(shareRequest("30", false), { body: { expiresInDays: 30, includeMedia: false } });
  assert.deepEqual(shareRequest(" 1 ", true), { body: { expiresInDays: 1, includeMedia: true } });
  assert.deepEqual(shareRequest("365", true), { body: { expiresInDays: 365, includeMedia: true } });
  for (const bad of ["", "  ", "0", "366", "1000", "-3", "2.5", "1e2", "ten"]) {
    const answer = shareRequest(bad, false);
    assert.ok("problem" in answer, `${JSON.stringify(bad)} is refused`);
    assert.match(answer.problem, /1 to 365/);
  }
  assert.match((shareRequest("2.5", false) as { problem: string }).problem, /whole number/);
});

test("a link's expiry reads as a span of time, then as a date past a month", () => {
  const at = (seconds: number) => new Date(NOW + seconds * 1000).toISOString();
  assert.equal(expiryText(at(30), NOW), "in 1 minute");
  assert.equal(expiryText(at(45 * 60), NOW), "in 45 minutes");
  assert.equal(expiryText(at(5 * 3600), NOW), "in 5 hours");
  assert.equal(expiryText(at(86_400), NOW), "in 1 day");
  assert.equal(expiryText(at(30 * 86_400), NOW), "in 30 days");
  assert.match(expiryText(at(365 * 86_400), NOW), /^on .*2027/);
  assert.equal(expiryText(at(-1), NOW), "expired");
  assert.equal(expiryText("not a date", NOW), "");
});

test("a link's page says why it shows nothing: not valid (404), too many (429, with the wait), else the error", () => {
  const gone = shareProblem(new ApiError(404, "not_found", "This link is not valid: it may have expired or been revoked."));
  assert.equal(gone.title, "This link is not valid");
  assert.match(gone.message, /^This link is not valid: it may have expired or been revoked\./);
  assert.equal(gone.retry, false);
  const busy = shareProblem(new ApiError(429, "rate_limited", "Too many.", 120));
  assert.match(busy.message, /Try again in 2 minutes\.$/);
  assert.equal(busy.retry, true);
  assert.match(shareProblem(new ApiError(429, "rate_limited", "Too many.")).message, /Try again later\.$/);
  assert.equal(shareProblem(ApiError.network()).message, ApiError.network().message);
});

test("share links live at /s/{token}", () => {
  assert.deepEqual(matchPath(SHARE_PATH, "/s/sh_abc-DEF_123"), { token: "sh_abc-DEF_123" });
  assert.equal(matchPath(SHARE_PATH, "/s"), null);
  assert.equal(matchPath(SHARE_PATH, "/s/a/b"), null);
});

test("the owner's calls carry the session; opening a link sends no token, no cookie and no Referer, and a 401 ends nothing", async () => {
  const { fetch, calls } = fakeFetch({
    "POST /v1/jobs/job_1/shares": () => json(201, { id: "shr_1", token: "sh_x", url: "http://127.0.0.1:3000/s/sh_x", expiresAt: "2026-04-11T12:00:00Z" }),
    "GET /v1/jobs/job_1/shares": () => json(200, { shares: [{ id: "shr_1", createdAt: "2026-03-12T12:00:00Z", expiresAt: "2026-04-11T12:00:00Z", includeMedia: true }] }),
    "DELETE /v1/jobs/job_1/shares/shr_1": () => new Response(null, { status: 204 }),
    "GET /v1/shares/sh_x": () => json(401, { error: { code: "unauthorized", message: "No." } }),
  });
  const store = new MemorySessionStore({ user: USER, accessToken: "at_1", accessExpiresAt: NOW + 600_000 });
  const api = new ApiClient({ store, fetch, now: () => NOW });

  const created = await api.createShare("job_1", { expiresInDays: 7, includeMedia: true });
  assert.equal(created.url, "http://127.0.0.1:3000/s/sh_x");
  assert.deepEqual(calls[0].body, { expiresInDays: 7, includeMedia: true });
  assert.equal(calls[0].headers.authorization, "Bearer at_1");
  assert.deepEqual(await api.shares("job_1"), [{ id: "shr_1", createdAt: "2026-03-12T12:00:00Z", expiresAt: "2026-04-11T12:00:00Z", includeMedia: true }]);
  assert.equal(calls[1].cache, "no-store");
  assert.equal(await api.revokeShare("job_1", "shr_1"), undefined);
  assert.equal(calls[2].method, "DELETE");

  await assert.rejects(api.sharedTranscript("sh_x"), (error: unknown) => error instanceof ApiError && error.status === 401);
  const open = calls[3];
  assert.equal(open.headers.authorization, undefined);
  assert.equal(open.credentials, "omit");
  assert.equal(open.cache, "no-store");
  assert.equal(open.referrerPolicy, "no-referrer");
  assert.equal(calls.length, 4, "no refresh after the link's 401");
  assert.ok(store.read(), "the session stays");
});
