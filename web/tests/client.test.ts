import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiClient, type LockRunner } from "../src/api/client";
import { ApiError } from "../src/api/errors";
import { LocalStorageSessionStore, MemorySessionStore, type Session, sessionFromAuth } from "../src/api/session";
import { fakeFetch, json, type Call } from "./support/fetch";

const NOW = Date.parse("2026-03-12T12:00:00Z");
const USER = { id: "usr_1", email: "ada@example.com", emailVerified: false, createdAt: "2026-03-01T00:00:00Z" };

function session(fields: Partial<Session> = {}): Session {
  return { user: USER, accessToken: "at_1", accessExpiresAt: NOW + 600_000, ...fields };
}

/**
 * The service's refresh rotation over the browser's cookie jar, which every tab shares: each
 * refresh token works once, a spent one ends the family, and the cookie counts only with the web
 * app's header. The token is read when the request is sent, as a browser attaches the cookie.
 */
function rotatingService() {
  let generation = 1;
  let cookie: string | null = "rt_1";
  const presented: (string | null)[] = [];
  const spent = new Set<string>();
  let revoked = false;
  const refresh = async (call: Call) => {
    const token = call.credentials === "omit" ? null : cookie;
    presented.push(token);
    await new Promise((resolve) => setTimeout(resolve, 5)); // Answers take a moment: callers overlap.
    if (call.headers["x-transcriptor-client"] !== "web") return json(403, { error: { code: "csrf_required", message: "No." } });
    if (call.body !== undefined) throw new Error("the web app sends no refresh token in the body");
    if (revoked || token === null || spent.has(token) || token !== `rt_${generation}`) {
      revoked = true; // Reuse detection.
      return json(401, { error: { code: "invalid_refresh_token", message: "Sign in again." } });
    }
    spent.add(token);
    generation += 1;
    cookie = `rt_${generation}`;
    return json(200, { user: USER, accessToken: `at_${generation}`, expiresIn: 900 });
  };
  const jobs = (call: Call) =>
    call.headers.authorization === `Bearer at_${generation}`
      ? json(200, { jobs: [], nextCursor: null })
      : json(401, { error: { code: "unauthorized", message: "The access token has expired." } });
  return { refresh, jobs, revoked: () => revoked, generation: () => generation, presented };
}

/** One lock shared by several clients, as Web Locks are by the tabs of an origin. */
function sharedLock(): LockRunner {
  let tail: Promise<unknown> = Promise.resolve();
  return <T,>(_name: string, task: () => Promise<T>) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

test("requests carry the access token while it is fresh", async () => {
  const { fetch, calls } = fakeFetch({ "GET /v1/jobs": () => json(200, { jobs: [], nextCursor: null }) });
  const api = new ApiClient({ store: new MemorySessionStore(session()), fetch, now: () => NOW });
  await api.listJobs({ limit: 20, cursor: "c2", q: " talk " });
  assert.equal(calls.length, 1);
  assert.equal(calls[0].headers.authorization, "Bearer at_1");
  assert.equal(calls[0].url, "/v1/jobs?limit=20&cursor=c2&q=talk");
});

test("an expired access token is renewed before the request", async () => {
  const service = rotatingService();
  const { fetch, calls } = fakeFetch({ "POST /v1/auth/refresh": service.refresh, "GET /v1/jobs": service.jobs });
  const store = new MemorySessionStore(session({ accessExpiresAt: NOW - 1 }));
  const api = new ApiClient({ store, fetch, now: () => NOW });
  await api.listJobs();
  assert.deepEqual(
    calls.map((call) => `${call.method} ${call.path}`),
    ["POST /v1/auth/refresh", "GET /v1/jobs"],
  );
  assert.deepEqual(service.presented, ["rt_1"], "the refresh cookie went with the request");
  assert.deepEqual(store.read(), session({ accessToken: "at_2", accessExpiresAt: NOW + 900_000 }));
});

test("many requests at once with an expired token share one refresh", async () => {
  const service = rotatingService();
  const { fetch, calls } = fakeFetch({ "POST /v1/auth/refresh": service.refresh, "GET /v1/jobs": service.jobs });
  const api = new ApiClient({ store: new MemorySessionStore(session({ accessExpiresAt: NOW - 1 })), fetch, now: () => NOW });
  await Promise.all([api.listJobs(), api.listJobs(), api.listJobs(), api.listJobs()]);
  assert.equal(calls.filter((call) => call.path === "/v1/auth/refresh").length, 1);
  assert.equal(service.revoked(), false);
});

test("a 401 renews the token once and retries the request", async () => {
  const service = rotatingService();
  const { fetch, calls } = fakeFetch({ "POST /v1/auth/refresh": service.refresh, "GET /v1/jobs": service.jobs });
  // The clock says fresh, the service says expired (a clock skew): the 401 drives the renewal.
  const api = new ApiClient({ store: new MemorySessionStore(session({ accessToken: "at_old" })), fetch, now: () => NOW });
  const result = await api.listJobs();
  assert.deepEqual(result, { jobs: [], nextCursor: null });
  assert.deepEqual(
    calls.map((call) => `${call.method} ${call.path} ${call.headers.authorization ?? ""}`.trim()),
    ["GET /v1/jobs Bearer at_old", "POST /v1/auth/refresh", "GET /v1/jobs Bearer at_2"],
  );
});

test("tabs sharing the session never spend a refresh token twice", async () => {
  const service = rotatingService();
  const { fetch, calls } = fakeFetch({ "POST /v1/auth/refresh": service.refresh, "GET /v1/jobs": service.jobs });
  const store = new MemorySessionStore(session({ accessExpiresAt: NOW - 1 }));
  const lock = sharedLock();
  const tabs = [1, 2, 3].map(() => new ApiClient({ store, fetch, lock, now: () => NOW }));
  await Promise.all(tabs.flatMap((tab) => [tab.listJobs(), tab.listJobs()]));
  assert.equal(calls.filter((call) => call.path === "/v1/auth/refresh").length, 1, "the later tabs used the token the first one stored");
  assert.equal(service.revoked(), false);
  assert.equal(store.read()?.accessToken, "at_2");
});

test("tabs renewing one after another each spend the newest refresh cookie", async () => {
  const service = rotatingService();
  const { fetch, calls } = fakeFetch({ "POST /v1/auth/refresh": service.refresh, "GET /v1/jobs": service.jobs });
  const store = new MemorySessionStore(session({ accessExpiresAt: NOW - 1 }));
  const lock = sharedLock();
  const first = new ApiClient({ store, fetch, lock, now: () => NOW });
  const second = new ApiClient({ store, fetch, lock, now: () => NOW });
  await first.listJobs(); // rt_1 → rt_2
  store.write({ ...store.read()!, accessExpiresAt: NOW - 1 }); // Time passes: at_2 expires.
  await second.listJobs(); // rt_2 → rt_3, never rt_1 again
  await first.listJobs(); // at_3 is fresh: no refresh
  assert.equal(calls.filter((call) => call.path === "/v1/auth/refresh").length, 2);
  assert.deepEqual(service.presented, ["rt_1", "rt_2"]);
  assert.equal(service.revoked(), false);
});

test("a refused refresh ends the session", async () => {
  const { fetch } = fakeFetch({
    "POST /v1/auth/refresh": () => json(401, { error: { code: "invalid_refresh_token", message: "Sign in again." } }),
  });
  const store = new MemorySessionStore(session({ accessExpiresAt: NOW - 1 }));
  const signedOut: (Session | null)[] = [];
  store.subscribe((value) => signedOut.push(value));
  const api = new ApiClient({ store, fetch, now: () => NOW });
  await assert.rejects(api.listJobs(), (error: unknown) => error instanceof ApiError && error.code === "signed_out" && error.status === 401);
  assert.equal(store.read(), null);
  assert.deepEqual(signedOut, [null]);
});

test("a refresh that cannot reach the service keeps the session", async () => {
  const store = new MemorySessionStore(session({ accessExpiresAt: NOW - 1 }));
  const api = new ApiClient({
    store,
    fetch: async () => {
      throw new TypeError("Failed to fetch");
    },
    now: () => NOW,
  });
  await assert.rejects(api.listJobs(), (error: unknown) => error instanceof ApiError && error.code === "network");
  assert.equal(store.read()?.accessToken, "at_1");
});

test("signed out, authenticated calls fail without a request", async () => {
  const { fetch, calls } = fakeFetch({});
  const api = new ApiClient({ store: new MemorySessionStore(null), fetch, now: () => NOW });
  await assert.rejects(api.me(), (error: unknown) => error instanceof ApiError && error.code === "signed_out");
  assert.equal(calls.length, 0);
});

test("errors carry the service's message", async () => {
  const { fetch } = fakeFetch({
    "POST /v1/auth/login": () => json(401, { error: { code: "invalid_credentials", message: "The email address or the password is not right." } }),
    "POST /v1/jobs": () => json(402, { error: { code: "quota_exceeded", message: "This month's 300 audio minutes are used up." } }),
  });
  const store = new MemorySessionStore(session());
  const api = new ApiClient({ store, fetch, now: () => NOW });
  await assert.rejects(api.login("ada@example.com", "nope"), { message: "The email address or the password is not right.", code: "invalid_credentials" });
  await assert.rejects(api.createJob({ source: { url: "https://example.com/a.mp3" } }, "key-1"), { status: 402, code: "quota_exceeded" });
  assert.equal(store.read()?.accessToken, "at_1", "a failed login leaves the session alone");
});

test("login and signup start a session; logout ends it here and on the service", async () => {
  const { fetch, calls } = fakeFetch({
    "POST /v1/auth/login": () => json(200, { user: USER, accessToken: "at_9", expiresIn: 900 }),
    "POST /v1/auth/logout": () => new Response(null, { status: 204 }),
  });
  const store = new MemorySessionStore(null);
  const api = new ApiClient({ store, fetch, now: () => NOW });
  await api.login("ada@example.com", "a long passphrase");
  assert.equal(store.read()?.accessToken, "at_9");
  assert.equal(calls[0].headers.authorization, undefined);
  assert.equal(calls[0].headers["x-transcriptor-client"], "web", "the refresh token comes back as a cookie");
  assert.equal(calls[0].credentials, "same-origin", "the browser stores the cookie the answer sets");
  await api.logout();
  assert.equal(store.read(), null);
  assert.deepEqual(
    { method: calls[1].method, path: calls[1].path, body: calls[1].body, client: calls[1].headers["x-transcriptor-client"], credentials: calls[1].credentials },
    { method: "POST", path: "/v1/auth/logout", body: undefined, client: "web", credentials: "same-origin" },
    "logout sends the cookie (and the header it needs), no token in the body",
  );
  await api.logout();
  assert.equal(calls.length, 3, "logout is sent even without a stored session: the cookie may outlive it");
});

test("the account's verified flag follows /v1/me", async () => {
  const { fetch } = fakeFetch({
    "GET /v1/me": () =>
      json(200, {
        user: { ...USER, emailVerified: true },
        plan: "free",
        usage: { month: "2026-03", periodStart: "2026-03-01T00:00:00.000Z", periodEnd: "2026-04-01T00:00:00.000Z", audioSeconds: 0, jobs: 0 },
        limits: { monthlyAudioMinutes: 300, jobsInFlight: 20, maxUploadBytes: 2147483648, maxFileSeconds: 14400 },
        webhookSecret: "whsec_1",
      }),
  });
  const store = new MemorySessionStore(session());
  await new ApiClient({ store, fetch, now: () => NOW }).me();
  assert.equal(store.read()?.user.emailVerified, true);
});

test("a password change stores the new session the service answers with", async () => {
  const { fetch, calls } = fakeFetch({
    "POST /v1/me/password": () => json(200, { user: USER, accessToken: "at_7", expiresIn: 900 }),
  });
  const store = new MemorySessionStore(session());
  await new ApiClient({ store, fetch, now: () => NOW }).changePassword("old passphrase", "new passphrase!");
  assert.equal(calls[0].headers.authorization, "Bearer at_1");
  assert.deepEqual(calls[0].body, { currentPassword: "old passphrase", newPassword: "new passphrase!" });
  assert.deepEqual(store.read(), session({ accessToken: "at_7", accessExpiresAt: NOW + 900_000 }));

  const refused = fakeFetch({ "POST /v1/me/password": () => json(403, { error: { code: "wrong_password", message: "The current password is not right." } }) });
  const kept = new MemorySessionStore(session());
  await assert.rejects(new ApiClient({ store: kept, fetch: refused.fetch, now: () => NOW }).changePassword("x", "new passphrase!"), (error: ApiError) => error.code === "wrong_password");
  assert.equal(kept.read()?.accessToken, "at_1");
});

test("resending the confirmation: 202 is fine, 409 marks the address verified, 429 carries its wait", async () => {
  let answer = new Response(null, { status: 202 });
  const { fetch, calls } = fakeFetch({ "POST /v1/me/verification-email": () => answer });
  const store = new MemorySessionStore(session());
  const api = new ApiClient({ store, fetch, now: () => NOW });
  await api.resendVerificationEmail();
  assert.equal(calls[0].method, "POST");
  assert.equal(calls[0].body, undefined);

  answer = json(429, { error: { code: "rate_limited", message: "Too many mails." } }, { "Retry-After": "1200" });
  await assert.rejects(api.resendVerificationEmail(), (error: ApiError) => error.status === 429 && error.retryAfter === 1200);
  assert.equal(store.read()?.user.emailVerified, false);

  answer = json(409, { error: { code: "already_verified", message: "The address is confirmed already." } });
  await assert.rejects(api.resendVerificationEmail(), (error: ApiError) => error.code === "already_verified");
  assert.equal(store.read()?.user.emailVerified, true);
});

test("job creation sends the idempotency key; transcripts download as blobs", async () => {
  const { fetch, calls } = fakeFetch({
    "POST /v1/jobs": () => json(201, { job: { id: "job_1" }, upload: null }),
    "GET /v1/jobs/job_1/transcript": () => new Response("1\n00:00:00,000 --> 00:00:01,000\nHi\n", { status: 200, headers: { "Content-Type": "application/x-subrip" } }),
  });
  const api = new ApiClient({ store: new MemorySessionStore(session()), fetch, now: () => NOW });
  await api.createJob({ source: { url: "https://example.com/a.mp3" }, options: { language: "auto" } }, "idem-1");
  assert.equal(calls[0].headers["idempotency-key"], "idem-1");
  assert.equal(calls[0].headers["content-type"], "application/json");
  const blob = await api.transcriptFile("job_1", "srt");
  assert.match(await blob.text(), /-->/);
  assert.equal(calls[1].url, "/v1/jobs/job_1/transcript?format=srt");
});

test("speakers are renamed with a PATCH that answers the transcript; transcripts are never read from the HTTP cache", async () => {
  let names: Record<string, string> = { S1: "Speaker 1", S2: "Speaker 2" };
  const transcript = () => ({
    jobId: "job_1",
    language: "en",
    durationSec: 2,
    text: "Hi. Hello.",
    speakers: Object.entries(names).map(([id, name]) => ({ id, name })),
    segments: [],
  });
  const { fetch, calls } = fakeFetch({
    "PATCH /v1/jobs/job_1/speakers": (call) => {
      names = { ...names, ...(call.body as Record<string, string>) };
      return json(200, transcript());
    },
    "GET /v1/jobs/job_1/transcript": (call) =>
      call.url.endsWith("format=txt")
        ? new Response(`${names.S1}: Hi.\n\n${names.S2}: Hello.\n`, { status: 200, headers: { "Content-Type": "text/plain" } })
        : json(200, transcript()),
    "PATCH /v1/jobs/job_2/speakers": () => json(404, { error: { code: "not_found", message: "This job has no speakers." } }),
  });
  const api = new ApiClient({ store: new MemorySessionStore(session()), fetch, now: () => NOW });
  const renamed = await api.renameSpeakers("job_1", { S2: "Grace" });
  assert.equal(calls[0].method, "PATCH");
  assert.equal(calls[0].url, "/v1/jobs/job_1/speakers");
  assert.deepEqual(calls[0].body, { S2: "Grace" });
  assert.deepEqual(renamed.speakers, [
    { id: "S1", name: "Speaker 1" },
    { id: "S2", name: "Grace" },
  ]);
  assert.equal(await (await api.transcriptFile("job_1", "txt")).text(), "Speaker 1: Hi.\n\nGrace: Hello.\n");
  await api.transcript("job_1");
  assert.deepEqual(
    calls.slice(1).map((call) => [call.url, call.cache]),
    [
      ["/v1/jobs/job_1/transcript?format=txt", "no-store"],
      ["/v1/jobs/job_1/transcript?format=json", "no-store"],
    ],
  );
  await assert.rejects(api.renameSpeakers("job_2", { S1: "Ada" }), (error: ApiError) => error.status === 404 && error.message === "This job has no speakers.");
});

/** A Storage over a Map, as localStorage behaves. */
function mapStorage(): Storage & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get length() {
      return entries.size;
    },
    clear: () => entries.clear(),
    getItem: (key) => entries.get(key) ?? null,
    key: (index) => [...entries.keys()][index] ?? null,
    removeItem: (key) => void entries.delete(key),
    setItem: (key, value) => void entries.set(key, String(value)),
  };
}

test("the stored session never holds a refresh token, and one an older version stored is removed", () => {
  const storage = mapStorage();
  const store = new LocalStorageSessionStore(storage, "transcriptor.session", null);
  // An answer with a refresh token in its body (as API clients get) still stores none.
  store.write(sessionFromAuth({ user: USER, accessToken: "at_1", refreshToken: "rt_body", expiresIn: 900 }, NOW));
  store.write({ ...store.read()!, ...({ refreshToken: "rt_spread" } as object) });
  assert.equal(/refresh|rt_/.test(storage.entries.get("transcriptor.session") ?? ""), false);

  storage.setItem("transcriptor.session", JSON.stringify({ ...session(), refreshToken: "rt_legacy" }));
  assert.deepEqual(store.read(), session(), "the session is still read");
  assert.equal(/rt_legacy/.test(storage.entries.get("transcriptor.session") ?? ""), false, "and the token left the storage");
});

test("a sign-in waits for a logout in flight, so the logout's answer cannot clear the new session's cookie", async () => {
  const order: string[] = [];
  let answerLogout: () => void = () => undefined;
  const { fetch } = fakeFetch({
    "POST /v1/auth/logout": async () => {
      order.push("logout sent");
      await new Promise<void>((resolve) => (answerLogout = resolve));
      order.push("logout answered (cookie cleared)");
      return new Response(null, { status: 204 });
    },
    "POST /v1/auth/login": () => {
      order.push("login sent (cookie set)");
      return json(200, { user: USER, accessToken: "at_9", expiresIn: 900 });
    },
    "POST /v1/me/password": () => {
      order.push("password change sent (cookie set)");
      return json(200, { user: USER, accessToken: "at_10", expiresIn: 900 });
    },
  });
  const store = new MemorySessionStore(session());
  const api = new ApiClient({ store, fetch, lock: sharedLock(), now: () => NOW });
  const loggingOut = api.logout();
  await new Promise((resolve) => setTimeout(resolve, 5));
  const loggingIn = api.login("ada@example.com", "a long passphrase");
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(order, ["logout sent"], "the login waits");
  answerLogout();
  await Promise.all([loggingOut, loggingIn]);
  await api.changePassword("a long passphrase", "another passphrase");
  assert.deepEqual(order, ["logout sent", "logout answered (cookie cleared)", "login sent (cookie set)", "password change sent (cookie set)"]);
  assert.equal(store.read()?.accessToken, "at_10");
});
