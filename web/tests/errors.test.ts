import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError, errorFromResponse, messageOf, parseRetryAfter } from "../src/api/errors";

test("the service's own error keeps its code and its message", () => {
  const error = errorFromResponse(401, JSON.stringify({ error: { code: "invalid_credentials", message: "The email address or the password is not right." } }));
  assert.equal(error.status, 401);
  assert.equal(error.code, "invalid_credentials");
  assert.equal(error.message, "The email address or the password is not right.");
});

test("the gateway's bare message is replaced by a sentence for the status", () => {
  const notFound = errorFromResponse(404, JSON.stringify({ message: "Not Found" }));
  assert.equal(notFound.code, "http_404");
  assert.match(notFound.message, /not found/i);
  const failed = errorFromResponse(502, JSON.stringify({ message: "Internal Server Error" }));
  assert.match(failed.message, /went wrong on our side/);
  assert.match(errorFromResponse(413, "").message, /too large/);
  assert.match(errorFromResponse(599, "").message, /went wrong on our side/);
  assert.match(errorFromResponse(418, "<html>teapot</html>").message, /HTTP 418/);
});

test("a rate limit says when to try again", () => {
  const limited = errorFromResponse(429, JSON.stringify({ message: "Too Many Requests" }), "90");
  assert.equal(limited.retryAfter, 90);
  assert.equal(limited.message, "Too many requests right now. Try again in 2 minutes.");
  const service = errorFromResponse(429, JSON.stringify({ error: { code: "rate_limited", message: "Too many failed logins; try again in 15 minutes." } }), "900");
  assert.equal(service.message, "Too many failed logins; try again in 15 minutes.");
  assert.equal(service.retryAfter, 900);
});

test("Retry-After is read as seconds or as a date", () => {
  const now = Date.parse("2026-03-12T12:00:00Z");
  assert.equal(parseRetryAfter("120", now), 120);
  assert.equal(parseRetryAfter("Thu, 12 Mar 2026 12:01:00 GMT", now), 60);
  assert.equal(parseRetryAfter("Thu, 12 Mar 2026 11:00:00 GMT", now), 0);
  assert.equal(parseRetryAfter("soon", now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
});

test("an error body with blank fields falls back to the status", () => {
  const blank = errorFromResponse(400, JSON.stringify({ error: { code: "", message: "  " } }));
  assert.equal(blank.code, "http_400");
  assert.match(blank.message, /not accepted/);
});

test("anything caught becomes a message", () => {
  assert.equal(messageOf(new ApiError(400, "x", "Fix it.")), "Fix it.");
  assert.equal(messageOf(new Error("plain")), "plain");
  assert.equal(messageOf("weird"), "Something went wrong. Try again.");
  assert.match(ApiError.network().message, /can't be reached/);
});
