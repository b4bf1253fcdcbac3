// Share links: the form's checks, what a link's row and page say, and where a link leads.

import { ApiError, describeWait, messageOf } from "../api/errors";
import type { CreateShareRequest } from "../api/types";
import { formatDate, plural } from "./format";

/** The service's bounds of a link's lifetime, in days, and its default. */
export const SHARE_DAYS = { min: 1, max: 365, default: 30 } as const;

/** The page a share link opens: `/s/{token}`. */
export const SHARE_PATH = "/s/:token";

/** What the share form sends, or what is wrong with the days typed. */
export function shareRequest(daysText: string, includeMedia: boolean): { body: CreateShareRequest } | { problem: string } {
  const text = daysText.trim();
  const bounds = `from ${SHARE_DAYS.min} to ${SHARE_DAYS.max}`;
  if (!text) return { problem: `Enter how many days the link works, ${bounds}.` };
  if (!/^\d+$/.test(text)) return { problem: `Enter a whole number of days, ${bounds}.` };
  const days = Number(text);
  if (days < SHARE_DAYS.min || days > SHARE_DAYS.max) return { problem: `A link works ${bounds} days.` };
  return { body: { expiresInDays: days, includeMedia } };
}

/** When a link stops working, from `now`: "in 5 hours", "in 3 days", then the date past a month. */
export function expiryText(expiresAt: string, now: number = Date.now()): string {
  const then = Date.parse(expiresAt);
  if (Number.isNaN(then)) return "";
  const seconds = (then - now) / 1000;
  if (seconds <= 0) return "expired";
  if (seconds < 3600) return `in ${plural(Math.max(1, Math.round(seconds / 60)), "minute")}`;
  if (seconds < 86_400) return `in ${plural(Math.round(seconds / 3600), "hour")}`;
  const days = Math.round(seconds / 86_400);
  return days <= 31 ? `in ${plural(days, "day")}` : `on ${formatDate(expiresAt)}`;
}

/** Why a share link's page shows no transcript: a heading and what to do. */
export function shareProblem(error: unknown): { title: string; message: string; retry: boolean } {
  const status = error instanceof ApiError ? error.status : 0;
  if (status === 404) {
    return {
      title: "This link is not valid",
      message: "This link is not valid: it may have expired or been revoked. Ask whoever shared it for a new one.",
      retry: false,
    };
  }
  if (status === 429) {
    const wait = error instanceof ApiError && error.retryAfter !== undefined ? describeWait(error.retryAfter) : "later";
    return { title: "Too many requests", message: `Too many shared links were opened from this network. Try again ${wait}.`, retry: true };
  }
  return { title: "The transcript could not be loaded", message: messageOf(error), retry: true };
}
