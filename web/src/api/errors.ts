/**
 * An API failure a person can read: the service's own `{"error":{"code","message"}}`, the
 * gateway's `{"message"}`, or a failure to reach the service at all, all mapped to one shape.
 */
export class ApiError extends Error {
  /** The HTTP status; 0 when the request never got an answer. */
  readonly status: number;
  /** The service's code (`invalid_credentials`, `not_found`, …), or one of ours: `network`, `aborted`, `http_<status>`. */
  readonly code: string;
  /** Seconds to wait, from `Retry-After`, when the answer had one. */
  readonly retryAfter?: number;
  /** The answer's JSON body, for what it carries beside `error` (a 412's current `version`). */
  readonly body?: Record<string, unknown>;

  constructor(status: number, code: string, message: string, retryAfter?: number, body?: Record<string, unknown>) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    this.body = body;
  }

  static network(): ApiError {
    return new ApiError(0, "network", "Transcriptor can't be reached. Check your connection and try again.");
  }

  static signedOut(): ApiError {
    return new ApiError(401, "signed_out", "Your session has ended. Sign in again.");
  }

  static aborted(): ApiError {
    return new ApiError(0, "aborted", "The request was cancelled.");
  }
}

const GENERIC: Record<number, string> = {
  400: "The request was not accepted. Check the form and try again.",
  401: "Your session has ended. Sign in again.",
  403: "You are not allowed to do that.",
  404: "That was not found. It may have been deleted.",
  409: "That is not possible right now. Try again in a moment.",
  412: "This was changed elsewhere meanwhile. Reload to see the latest version.",
  413: "That is too large for the service to accept.",
  429: "Too many requests right now. Wait a moment and try again.",
  500: "Something went wrong on our side. Try again in a moment.",
  502: "Something went wrong on our side. Try again in a moment.",
  503: "The service is busy. Try again in a moment.",
};

function genericMessage(status: number): string {
  return GENERIC[status] ?? (status >= 500 ? GENERIC[500] : `The request failed (HTTP ${status}).`);
}

/** Seconds from a `Retry-After` header (delta-seconds or an HTTP date). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** "in 40 seconds", "in 3 minutes": when a rate limit lifts. */
export function describeWait(seconds: number): string {
  if (seconds < 60) return `in ${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `in ${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/**
 * The error an answer's status and body stand for. The service's message is used as it is
 * (it says what to change); anything else gets a sentence that fits the status.
 */
export function errorFromResponse(status: number, bodyText: string, retryAfterHeader: string | null = null): ApiError {
  const retryAfter = parseRetryAfter(retryAfterHeader);
  let code = `http_${status}`;
  let message: string | undefined;
  let parsed: Record<string, unknown> | undefined;
  try {
    const body: unknown = JSON.parse(bodyText);
    if (body && typeof body === "object" && !Array.isArray(body)) {
      parsed = body as Record<string, unknown>;
      const error = (body as { error?: unknown }).error;
      if (error && typeof error === "object") {
        const fields = error as { code?: unknown; message?: unknown };
        if (typeof fields.code === "string" && fields.code) code = fields.code;
        if (typeof fields.message === "string" && fields.message.trim()) message = fields.message.trim();
      }
    }
  } catch {
    // Not JSON (a proxy's page, an empty body): the status speaks for it.
  }
  if (!message) {
    message = genericMessage(status);
    if (status === 429 && retryAfter !== undefined) {
      message = `Too many requests right now. Try again ${describeWait(retryAfter)}.`;
    }
  }
  return new ApiError(status, code, message, retryAfter, parsed);
}

/** A message for anything a handler caught: an ApiError's own, or a plain fallback. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong. Try again.";
}
