import { ApiError, errorFromResponse } from "./errors";
import { type Session, type SessionStore, sessionFromAuth } from "./session";
import type {
  ApiKey,
  AuthResult,
  Billing,
  CreateJobRequest,
  CreateShareRequest,
  CreatedApiKey,
  CreatedJob,
  CreatedShare,
  Invoice,
  Job,
  JobList,
  Me,
  MediaLink,
  Plan,
  PlanId,
  Share,
  SharedTranscript,
  SubscribePayment,
  SubscribeResult,
  Transcript,
  TranscriptEdit,
  TranscriptFileOptions,
  TranscriptFormat,
  UpdateJobRequest,
} from "./types";

/** Runs `task` while holding the named lock (across tabs where the browser has Web Locks). */
export type LockRunner = <T>(name: string, task: () => Promise<T>) => Promise<T>;

/** The browser's Web Locks, which every tab of the origin shares; without them, no lock at all. */
export function browserLock(): LockRunner {
  const locks = typeof navigator === "undefined" ? undefined : (navigator as Navigator & { locks?: LockManager }).locks;
  if (locks && typeof locks.request === "function") {
    return <T,>(name: string, task: () => Promise<T>) => locks.request(name, () => task()) as Promise<T>;
  }
  return <T,>(_name: string, task: () => Promise<T>) => task();
}

export interface ClientOptions {
  store: SessionStore;
  /** Prefix of every path; empty for the same origin as the page. */
  baseUrl?: string;
  fetch?: typeof fetch;
  lock?: LockRunner;
  now?: () => number;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Send the session's bearer token (and renew it when it has expired). Default true. */
  auth?: boolean;
  headers?: Record<string, string>;
  /** How to read a successful answer. Default `json`; 204 gives `undefined` whatever is asked. */
  as?: "json" | "text" | "blob";
  signal?: AbortSignal;
  /** The browser's HTTP cache for this request (`no-store`: what can change under the same URL). */
  cache?: RequestCache;
  /** Cookies to send: `same-origin` (the default; the refresh cookie's path keeps it to /v1/auth) or `omit`. */
  credentials?: RequestCredentials;
  /** The `Referer` to send; the browser's (the page's policy) by default. */
  referrerPolicy?: ReferrerPolicy;
}

/** The `If-Match` (and `ETag`) value of a transcript version: `"7"`. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** The version an `ETag` names (`"7"`, or weak `W/"7"`), or null when it names none. */
export function versionOfEtag(etag: string | null): number | null {
  const match = etag ? /^(?:W\/)?"(\d+)"$/.exec(etag.trim()) : null;
  return match ? Number(match[1]) : null;
}

/**
 * The query of a transcript download: `format`, then `timestamps=true` for txt/md/docx when asked,
 * and for srt/vtt each subtitle setting given (the service's defaults apply to the rest).
 */
export function transcriptFileQuery(format: TranscriptFormat, options: TranscriptFileOptions = {}): string {
  const params = new URLSearchParams({ format });
  if ((format === "txt" || format === "md" || format === "docx") && options.timestamps) params.set("timestamps", "true");
  if ((format === "srt" || format === "vtt") && options.subtitles) {
    for (const name of ["maxLineLength", "maxLines", "maxCueSeconds", "minGapMs"] as const) {
      const value = options.subtitles[name];
      if (value !== undefined) params.set(name, String(value));
    }
  }
  return params.toString();
}

/** How long before its expiry an access token is renewed rather than sent. */
const EXPIRY_MARGIN_MS = 30_000;
const REFRESH_LOCK = "transcriptor.refresh";
/**
 * Sent on every request: the service then keeps the refresh token in an HttpOnly cookie instead
 * of the body, and accepts that cookie only with this header, which a cross-site form cannot send.
 */
export const CLIENT_HEADER = { "X-Transcriptor-Client": "web" } as const;

/**
 * The v1 API over `fetch`. It sends the session's access token and renews it with the refresh
 * cookie when it is about to expire or is refused: one renewal at a time, in this tab (callers
 * share the one in flight) and across tabs (a Web Lock, inside which a token another tab just got
 * is used instead), because a refresh token spent twice ends the session.
 */
export class ApiClient {
  readonly store: SessionStore;
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly lock: LockRunner;
  private readonly now: () => number;
  private refreshing: Promise<string> | null = null;

  constructor(options: ClientOptions) {
    this.store = options.store;
    this.baseUrl = options.baseUrl ?? "";
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.lock = options.lock ?? browserLock();
    this.now = options.now ?? (() => Date.now());
  }

  // MARK: - Requests

  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.read<T>(await this.exchange(path, options), options.as ?? "json");
  }

  /** Sends the request (renewing the token once on a 401) and answers the raw response. */
  private async exchange(path: string, options: RequestOptions): Promise<Response> {
    const auth = options.auth ?? true;
    let token = auth ? await this.accessToken() : null;
    let response = await this.send(path, options, token);
    if (auth && response.status === 401) {
      // Expired on the way, or another tab's refresh got there first: renew once and retry.
      token = await this.refresh(token);
      response = await this.send(path, options, token);
      if (response.status === 401) {
        this.endSession();
      }
    }
    return response;
  }

  private async send(path: string, options: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json", ...CLIENT_HEADER, ...options.headers };
    if (token) headers.Authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    try {
      return await this.fetchImpl(this.baseUrl + path, {
        method: options.method ?? (body === undefined ? "GET" : "POST"),
        headers,
        body,
        signal: options.signal,
        cache: options.cache,
        // The refresh cookie goes only to /v1/auth (its path) and only to this origin.
        credentials: options.credentials ?? "same-origin",
        ...(options.referrerPolicy ? { referrerPolicy: options.referrerPolicy } : {}),
      });
    } catch {
      if (options.signal?.aborted) throw ApiError.aborted();
      throw ApiError.network();
    }
  }

  private async read<T>(response: Response, as: "json" | "text" | "blob"): Promise<T> {
    if (!response.ok) {
      const text = await response.text().catch(() => "");
      throw errorFromResponse(response.status, text, response.headers.get("Retry-After"));
    }
    if (response.status === 204) return undefined as T;
    if (as === "blob") return (await response.blob()) as T;
    const text = await response.text();
    if (as === "text") return text as T;
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(response.status, "invalid_response", "The service sent an answer that could not be read. Try again.");
    }
  }

  // MARK: - The session

  /** A usable access token: the stored one while it is fresh, else a renewed one. */
  async accessToken(): Promise<string> {
    const session = this.store.read();
    if (!session) throw ApiError.signedOut();
    if (this.isFresh(session)) return session.accessToken;
    return this.refresh(session.accessToken);
  }

  /**
   * Renews the access token that `stale` was. Callers in this tab share one renewal; across tabs
   * the lock makes them take turns, and a turn that finds a fresh token another tab stored uses
   * it instead of spending the refresh token again.
   */
  refresh(stale: string | null): Promise<string> {
    if (!this.refreshing) {
      this.refreshing = this.lock(REFRESH_LOCK, () => this.refreshHoldingLock(stale)).finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async refreshHoldingLock(stale: string | null): Promise<string> {
    const session = this.store.read();
    if (!session) throw ApiError.signedOut();
    if (session.accessToken !== stale && this.isFresh(session)) return session.accessToken;
    let response: Response;
    try {
      response = await this.fetchImpl(this.baseUrl + "/v1/auth/refresh", {
        method: "POST",
        headers: { Accept: "application/json", ...CLIENT_HEADER },
        credentials: "same-origin",
      });
    } catch {
      throw ApiError.network();
    }
    if (!response.ok) {
      const error = errorFromResponse(response.status, await response.text().catch(() => ""));
      if (response.status === 400 || response.status === 401) {
        // Spent, expired, signed out elsewhere or the account is gone: this session is over.
        if (this.store.read()?.accessToken === session.accessToken) this.store.clear();
        throw ApiError.signedOut();
      }
      throw error;
    }
    const result = (await response.json()) as AuthResult;
    const renewed = sessionFromAuth(result, this.now());
    this.store.write(renewed);
    return renewed.accessToken;
  }

  private isFresh(session: Session): boolean {
    return session.accessExpiresAt - this.now() > EXPIRY_MARGIN_MS;
  }

  private endSession(): never {
    this.store.clear();
    throw ApiError.signedOut();
  }

  private startSession(result: AuthResult): AuthResult {
    this.store.write(sessionFromAuth(result, this.now()));
    return result;
  }

  // MARK: - Auth

  /*
   * Every call whose answer sets the refresh cookie (signup, login, a password change) holds the
   * refresh lock, as refresh and logout do: the browser keeps one cookie for all of them, so a
   * logout or refresh answered after a new sign-in would otherwise clear or overwrite its cookie.
   */

  async signup(email: string, password: string): Promise<AuthResult> {
    return this.startSession(
      await this.lock(REFRESH_LOCK, () => this.request<AuthResult>("/v1/auth/signup", { body: { email, password }, auth: false })),
    );
  }

  async login(email: string, password: string): Promise<AuthResult> {
    return this.startSession(
      await this.lock(REFRESH_LOCK, () => this.request<AuthResult>("/v1/auth/login", { body: { email, password }, auth: false })),
    );
  }

  /**
   * Ends the session here and on the service, which also clears the refresh cookie (taking the
   * refresh lock, so no renewal races it). Sent even without a stored session: the cookie may
   * outlive it.
   */
  async logout(): Promise<void> {
    await this.lock(REFRESH_LOCK, async () => {
      this.store.clear();
      await this.request<void>("/v1/auth/logout", { method: "POST", auth: false }).catch(
        () => undefined, // Signed out here regardless; the service forgets the session when it expires.
      );
    });
  }

  verifyEmail(token: string): Promise<void> {
    return this.request("/v1/auth/verify-email", { body: { token }, auth: false });
  }

  forgotPassword(email: string): Promise<void> {
    return this.request("/v1/auth/forgot-password", { body: { email }, auth: false });
  }

  resetPassword(token: string, password: string): Promise<void> {
    return this.request("/v1/auth/reset-password", { body: { token, password }, auth: false });
  }

  // MARK: - Account

  async me(): Promise<Me> {
    const me = await this.request<Me>("/v1/me");
    const session = this.store.read();
    if (session && session.user.emailVerified !== me.user.emailVerified) {
      this.store.write({ ...session, user: me.user });
    }
    return me;
  }

  async deleteAccount(password: string): Promise<void> {
    await this.request<void>("/v1/me", { method: "DELETE", body: { password } });
    this.store.clear();
  }

  /**
   * Changes the password. The service signs every session out, this one too, and answers with a
   * new session for this client, which becomes the stored one (the other tabs follow it).
   */
  async changePassword(currentPassword: string, newPassword: string, revokeApiKeys = false): Promise<AuthResult> {
    const token = await this.accessToken(); // Renewed first if need be: the lock below is not reentrant.
    const options: RequestOptions = {
      body: revokeApiKeys ? { currentPassword, newPassword, revokeApiKeys } : { currentPassword, newPassword },
    };
    return this.startSession(
      await this.lock(REFRESH_LOCK, async () => this.read<AuthResult>(await this.send("/v1/me/password", options, token), "json")),
    );
  }

  /**
   * Mails the address confirmation link again. A 409 `already_verified` means the address was
   * confirmed meanwhile (in another tab or device): the stored user says so, then the error is thrown.
   */
  async resendVerificationEmail(): Promise<void> {
    try {
      await this.request<void>("/v1/me/verification-email", { method: "POST" });
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409) {
        const session = this.store.read();
        if (session && !session.user.emailVerified) this.store.write({ ...session, user: { ...session.user, emailVerified: true } });
      }
      throw caught;
    }
  }

  /** Replaces the account's glossary; answers with the terms kept (trimmed, repeats dropped). 400 for a list the service refuses. */
  async setVocabulary(terms: string[]): Promise<string[]> {
    return (await this.request<{ terms: string[] }>("/v1/me/vocabulary", { method: "PUT", body: { terms } })).terms;
  }

  rotateWebhookSecret(): Promise<{ webhookSecret: string }> {
    return this.request("/v1/me/webhook-secret", { method: "POST" });
  }

  async listApiKeys(): Promise<ApiKey[]> {
    return (await this.request<{ apiKeys: ApiKey[] }>("/v1/api-keys")).apiKeys;
  }

  createApiKey(name: string): Promise<CreatedApiKey> {
    return this.request("/v1/api-keys", { body: { name } });
  }

  revokeApiKey(id: string): Promise<void> {
    return this.request(`/v1/api-keys/${encodeURIComponent(id)}`, { method: "DELETE" });
  }

  // MARK: - Jobs

  /** A page of jobs, newest first; `q` searches titles, `tag` keeps the jobs with that tag (any case). */
  listJobs(query: { limit?: number; cursor?: string | null; q?: string; tag?: string | null } = {}, signal?: AbortSignal): Promise<JobList> {
    const params = new URLSearchParams();
    if (query.limit) params.set("limit", String(query.limit));
    if (query.cursor) params.set("cursor", query.cursor);
    if (query.q?.trim()) params.set("q", query.q.trim());
    if (query.tag?.trim()) params.set("tag", query.tag.trim());
    const search = params.toString();
    return this.request(`/v1/jobs${search ? `?${search}` : ""}`, { signal });
  }

  createJob(body: CreateJobRequest, idempotencyKey?: string): Promise<CreatedJob> {
    return this.request("/v1/jobs", { body, headers: idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {} });
  }

  getJob(id: string, signal?: AbortSignal): Promise<Job> {
    return this.request(`/v1/jobs/${encodeURIComponent(id)}`, { signal });
  }

  /** Changes the title, the tags (the whole set) or both; 400 with the service's reason for a tag it refuses. */
  updateJob(id: string, changes: UpdateJobRequest): Promise<Job> {
    return this.request(`/v1/jobs/${encodeURIComponent(id)}`, { method: "PATCH", body: changes });
  }

  renameJob(id: string, title: string): Promise<Job> {
    return this.updateJob(id, { title });
  }

  deleteJob(id: string): Promise<void> {
    return this.request(`/v1/jobs/${encodeURIComponent(id)}`, { method: "DELETE" });
  }

  /**
   * The transcript as it is now, with its `version` (from the body, else the `ETag`), never from
   * the HTTP cache: edits and renamed speakers change it under the same URL.
   */
  transcript(id: string): Promise<Transcript> {
    return this.versioned(`/v1/jobs/${encodeURIComponent(id)}/transcript?format=json`, { cache: "no-store" });
  }

  /** The transcript as the machine wrote it, before any edit (it has no `version`). */
  originalTranscript(id: string): Promise<Transcript> {
    return this.request(`/v1/jobs/${encodeURIComponent(id)}/transcript?format=json&version=original`, { cache: "no-store" });
  }

  /**
   * Edits the transcript `version` (sent as `If-Match: "N"`; every index in `edits` is one of that
   * version's) and answers the new transcript with its new version. A 412 `version_mismatch`
   * (someone changed it meanwhile) is an ApiError whose `body.version` is the current version.
   */
  editTranscript(id: string, version: number, edits: TranscriptEdit[]): Promise<Transcript> {
    return this.versioned(`/v1/jobs/${encodeURIComponent(id)}/transcript`, {
      method: "PATCH",
      body: { edits },
      headers: { "If-Match": etagOf(version) },
    });
  }

  /** Puts the machine's original back (as a new version); with `version`, only if it is still the current one (else 412). */
  revertTranscript(id: string, version?: number): Promise<Transcript> {
    return this.versioned(`/v1/jobs/${encodeURIComponent(id)}/transcript/revert`, {
      method: "POST",
      headers: version === undefined ? {} : { "If-Match": etagOf(version) },
    });
  }

  /** The transcript in one format, as a file's contents (fetched afresh: edits and names may have changed it). */
  transcriptFile(id: string, format: TranscriptFormat, options: TranscriptFileOptions = {}): Promise<Blob> {
    return this.request(`/v1/jobs/${encodeURIComponent(id)}/transcript?${transcriptFileQuery(format, options)}`, {
      as: "blob",
      headers: { Accept: "*/*" },
      cache: "no-store",
    });
  }

  /**
   * Renames speakers (`{"S1": "Ada"}`; those not named keep their names) and answers the
   * transcript with the new names and its new version. 400 for a name the service refuses (its
   * message says why), 404 for a job without speakers, 409 while the transcript is not ready.
   */
  renameSpeakers(id: string, names: Record<string, string>): Promise<Transcript> {
    return this.versioned(`/v1/jobs/${encodeURIComponent(id)}/speakers`, { method: "PATCH", body: names });
  }

  /** A transcript answer, its `version` taken from the `ETag` when the body lacks one. */
  private async versioned(path: string, options: RequestOptions): Promise<Transcript> {
    const response = await this.exchange(path, options);
    const transcript = await this.read<Transcript>(response, "json");
    const tagged = versionOfEtag(response.headers.get("ETag"));
    if (transcript && typeof transcript.version !== "number" && tagged !== null) return { ...transcript, version: tagged };
    return transcript;
  }

  media(id: string): Promise<MediaLink> {
    return this.request(`/v1/jobs/${encodeURIComponent(id)}/media`);
  }

  // MARK: - Share links

  /**
   * A read-only link to the done job's transcript; its `url` and token are shown this once. 409
   * `not_ready` before the job is done, 409 `too_many_shares` past 50 live links, 429 past the
   * hourly limit.
   */
  createShare(id: string, request: CreateShareRequest = {}): Promise<CreatedShare> {
    return this.request(`/v1/jobs/${encodeURIComponent(id)}/shares`, { method: "POST", body: request });
  }

  /** The job's live links, newest first. */
  async shares(id: string, signal?: AbortSignal): Promise<Share[]> {
    return (await this.request<{ shares: Share[] }>(`/v1/jobs/${encodeURIComponent(id)}/shares`, { signal, cache: "no-store" })).shares;
  }

  /** Revokes a link: it stops working at once. */
  revokeShare(id: string, shareId: string): Promise<void> {
    return this.request(`/v1/jobs/${encodeURIComponent(id)}/shares/${encodeURIComponent(shareId)}`, { method: "DELETE" });
  }

  /**
   * What a share link shows, for anyone: no token, no cookie, no `Referer` (whoever is signed in,
   * the link alone decides), never renewing or ending the session. 404 for an unknown, expired or
   * revoked link; 429 when this address opened too many.
   */
  sharedTranscript(token: string, signal?: AbortSignal): Promise<SharedTranscript> {
    return this.request(`/v1/shares/${encodeURIComponent(token)}`, {
      auth: false,
      credentials: "omit",
      referrerPolicy: "no-referrer",
      cache: "no-store",
      signal,
    });
  }

  // MARK: - Billing

  /** The plans on offer (no sign-in needed: the pricing page shows them signed out too). */
  async plans(signal?: AbortSignal): Promise<Plan[]> {
    return (await this.request<{ plans: Plan[] }>("/v1/billing/plans", { auth: false, signal })).plans;
  }

  billing(signal?: AbortSignal): Promise<Billing> {
    return this.request("/v1/billing", { signal });
  }

  /** A SetupIntent's client secret, which Stripe.js confirms with the card (the card never comes here). */
  async createSetupIntent(): Promise<string> {
    return (await this.request<{ clientSecret: string }>("/v1/billing/setup-intent", { method: "POST" })).clientSecret;
  }

  /**
   * Subscribes to `planId` (or moves the subscription to it), paying with `paymentMethodId` (a
   * PaymentMethod Stripe.js confirmed) or else the card on file, and keeping `billingAddress` on
   * the Stripe customer when one is given (each is left out of the body when absent). A dearer plan
   * applies at once; a cheaper paid one is scheduled for the period's end (the answer's
   * `scheduledPlan`). A declined card is an ApiError 402 `card_declined` with Stripe's reason; an
   * address the service refuses is a 400 `invalid_request` whose message names the field; a card
   * that needs authenticating answers 202 with the client secret Stripe.js completes it with.
   */
  async subscribe(planId: PlanId, { paymentMethodId, billingAddress }: SubscribePayment = {}): Promise<SubscribeResult> {
    const answer = await this.request<Billing | { requiresAction: true; clientSecret: string }>("/v1/billing/subscription", {
      body: { planId, ...(paymentMethodId ? { paymentMethodId } : {}), ...(billingAddress ? { billingAddress } : {}) },
    });
    if ("requiresAction" in answer && answer.requiresAction) return { kind: "requiresAction", clientSecret: answer.clientSecret };
    return { kind: "done", billing: answer as Billing };
  }

  /** Cancels at the period's end (the plan stays until then; a scheduled move is dropped); 409 `no_subscription` without one. */
  cancelSubscription(): Promise<Billing> {
    return this.request("/v1/billing/subscription", { method: "DELETE" });
  }

  /** Undoes a cancellation, or a scheduled move to a cheaper plan, before the period ends. */
  resumeSubscription(): Promise<Billing> {
    return this.request("/v1/billing/subscription/resume", { method: "POST" });
  }

  async invoices(signal?: AbortSignal): Promise<Invoice[]> {
    return (await this.request<{ invoices: Invoice[] }>("/v1/billing/invoices", { signal })).invoices;
  }
}
