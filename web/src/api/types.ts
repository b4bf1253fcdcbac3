// The v1 API's bodies, as openapi.yaml describes them.

export interface User {
  id: string;
  email: string;
  emailVerified: boolean;
  createdAt: string;
}

export interface AuthResult {
  user: User;
  accessToken: string;
  /** Only for API clients: the web app's (which sends X-Transcriptor-Client: web) is an HttpOnly cookie. */
  refreshToken?: string;
  expiresIn: number;
}

export interface Me {
  user: User;
  plan: string;
  usage: { month: string; periodStart: string; periodEnd: string; audioSeconds: number; jobs: number };
  limits: { monthlyAudioMinutes: number; jobsInFlight: number; maxUploadBytes: number; maxFileSeconds: number };
  webhookSecret: string;
  /** The account's glossary: terms added to every new job's vocabulary (up to 100, each 1–50 characters). */
  vocabulary: string[];
  /** What the service's speech model can do. */
  speech: SpeechCapabilities;
}

/** The model's languages (`auto` plus codes a job may ask for) and whether it translates to English. */
export interface SpeechCapabilities {
  model: string;
  languages: string[];
  translation: boolean;
}

/** The plans on offer: `free`, `pro` and `business` (settings may add others). */
export type PlanId = string;

/** A plan of GET /v1/billing/plans, with the limits it gives. */
export interface Plan {
  id: PlanId;
  name: string;
  priceCents: number;
  currency: string;
  interval: string;
  monthlyMinutes: number;
  maxFileSeconds: number;
  jobsInFlight: number;
  /** What each minute beyond the month's costs; null when jobs are refused instead. */
  overageCentsPerMinute: number | null;
}

/** The card Stripe charges, as Stripe describes it (never its number). */
export interface PaymentMethod {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

/** GET /v1/billing: the plan, the Stripe subscription's state, the card on file and the month's usage. */
export interface Billing {
  plan: PlanId;
  /** Stripe's status of the subscription (`active`, `past_due`, `incomplete`, …); null without one. */
  status: string | null;
  /** When the period ends: the renewal, the end of a cancelled subscription, or the scheduled move. */
  currentPeriodEnd: string | null;
  /** True for a cancellation and for a scheduled move to a cheaper plan (both happen at `currentPeriodEnd`). */
  cancelAtPeriodEnd: boolean;
  /**
   * The cheaper paid plan the subscription moves to at `currentPeriodEnd` (`plan` stays until
   * then); null when no move is scheduled. Resuming undoes it, as cancelling and subscribing do.
   */
  scheduledPlan: PlanId | null;
  paymentMethod: PaymentMethod | null;
  usage: { minutesUsed: number; minutesIncluded: number };
  /** How the page loads Stripe.js: its URL and the publishable key to start it with. */
  stripe: { publishableKey: string; jsUrl: string };
}

/**
 * The billing address POST /v1/billing/subscription may carry with a new card, which the service
 * keeps on the Stripe customer (for invoices and, later, tax). `country` is ISO 3166-1 alpha-2
 * (`US`); every field is at most 100 characters, without control characters.
 */
export interface BillingAddress {
  country: string;
  postalCode?: string;
  line1?: string;
  line2?: string;
  city?: string;
  state?: string;
}

/** What the subscribe call pays with: a card Stripe.js just confirmed, else the card on file. */
export interface SubscribePayment {
  /** A PaymentMethod Stripe.js confirmed; without it, the card on file. */
  paymentMethodId?: string;
  /** The cardholder's address, sent with a new card. */
  billingAddress?: BillingAddress;
}

/**
 * What POST /v1/billing/subscription answered: the billing (a dearer plan in force at once, a
 * cheaper one scheduled in `scheduledPlan`), or the card needs authenticating.
 */
export type SubscribeResult = { kind: "done"; billing: Billing } | { kind: "requiresAction"; clientSecret: string };

export interface InvoiceLine {
  description: string;
  amountCents: number;
}

export interface Invoice {
  id: string;
  number: string | null;
  /** Stripe's: `draft`, `open`, `paid`, `void`, `uncollectible`. */
  status: string;
  amountDueCents: number;
  amountPaidCents: number;
  currency: string;
  periodStart: string | null;
  periodEnd: string | null;
  createdAt: string | null;
  hostedUrl: string | null;
  lines: InvoiceLine[];
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface CreatedApiKey extends Omit<ApiKey, "lastUsedAt"> {
  key: string;
}

export type JobStatus = "queued" | "fetching" | "transcoding" | "transcribing" | "finalizing" | "done" | "failed";

export interface Job {
  id: string;
  title: string;
  filename: string;
  status: JobStatus;
  progress: { chunksDone: number; chunksTotal: number; percent: number };
  source: { type: "url" | "upload"; url?: string };
  options: JobOptions;
  webhook: { url: string } | null;
  durationSec: number | null;
  language: string | null;
  createdAt: string;
  updatedAt: string;
  error?: { code: string; message: string };
  /** What went wrong without failing the job (`speakers_unavailable`: the words are there, the speakers are not). */
  warnings?: JobWarning[];
  /** The owner's labels (always present, may be empty): up to 20, each 1–40 characters. */
  tags: string[];
}

export interface JobOptions {
  language: string;
  /** Label who said what (speaker diarization). The API's default is false. */
  speakers?: boolean;
  /**
   * Words to expect (names, products, jargon): up to 100, each 1–50 characters. A job's answer
   * lists its own terms, then the account's glossary.
   */
  vocabulary?: string[];
  /** `translate` makes an English transcript of speech in another language; the default is `transcribe`. */
  task?: "transcribe" | "translate";
}

export interface JobWarning {
  code: string;
  message: string;
}

export interface UploadTarget {
  url: string;
  method: "PUT";
  headers: Record<string, string>;
  expiresAt: string;
}

export interface CreatedJob {
  job: Job;
  upload: UploadTarget | null;
}

export interface JobList {
  jobs: Job[];
  nextCursor: string | null;
}

export interface CreateJobRequest {
  source: { url: string } | { upload: { filename: string; contentType: string; size: number } };
  title?: string;
  options?: JobOptions;
  webhook?: { url: string };
  /** Up to 20 tags, each 1–40 characters after trimming. */
  tags?: string[];
}

/** The body of `PATCH /v1/jobs/{id}`: at least one of the two. */
export interface UpdateJobRequest {
  title?: string;
  /** The job's whole set of tags (replaces the old one). */
  tags?: string[];
}

export interface Word {
  start: number;
  end: number;
  word: string;
  confidence?: number | null;
  /** The speaker's id (`S1`, …), in transcripts of jobs with speakers. */
  speaker?: string;
}

export interface Segment {
  start: number;
  end: number;
  text: string;
  words: Word[];
  /** The speaker's id (`S1`, …), in transcripts of jobs with speakers. */
  speaker?: string;
}

/** A voice the transcript tells apart: its id (`S1`) is fixed, its name (`Speaker 1`) can be changed. */
export interface Speaker {
  id: string;
  name: string;
}

export interface Transcript {
  jobId: string;
  language: string;
  durationSec: number;
  text: string;
  segments: Segment[];
  /** Only in transcripts of jobs with speakers; such transcripts also name a speaker on every segment and word. */
  speakers?: Speaker[];
  /**
   * The version (also the `ETag: "N"` of the answer): 1 as the machine wrote it, one more with
   * every change (edits, speaker names, a revert). Absent from `?version=original`.
   */
  version?: number;
}

/**
 * One edit of `PATCH /v1/jobs/{id}/transcript`. Segment indices are those of the version the
 * request's `If-Match` names, for every edit of the request alike.
 */
export type TranscriptEdit =
  /** A segment's new text (an empty one removes the segment), its speaker, or both. */
  | { segment: number; text?: string; speaker?: string }
  /** Splits a segment in two; `atWord` (1 … words − 1) is the first word of the second part. */
  | { split: { segment: number; atWord: number } }
  /** Joins a segment with the one after it. */
  | { merge: { segment: number } };

/** `format=srt|vtt`'s cue shaping: the service's ranges are in `SUBTITLE_LIMITS` (lib/exports.ts). */
export interface SubtitleSettings {
  maxLineLength: number;
  maxLines: number;
  maxCueSeconds: number;
  minGapMs: number;
}

/** How a transcript file is written: timestamps for txt/md/docx, cue shaping for srt/vtt. */
export interface TranscriptFileOptions {
  timestamps?: boolean;
  subtitles?: Partial<SubtitleSettings>;
}

export interface MediaLink {
  url: string;
  expiresAt: string;
}

export type TranscriptFormat = "txt" | "srt" | "vtt" | "json" | "md" | "docx";

/** Statuses of a job the pipeline is still working on, in the order it passes them. */
export const IN_FLIGHT: readonly JobStatus[] = ["queued", "fetching", "transcoding", "transcribing", "finalizing"];

/** The order a job that succeeds passes through its statuses. */
export const STATUS_ORDER: readonly JobStatus[] = [...IN_FLIGHT, "done"];

export function isInFlight(job: Pick<Job, "status">): boolean {
  return IN_FLIGHT.includes(job.status);
}

/** A live read-only link to a done job's transcript, as its owner sees it (never its token). */
export interface Share {
  id: string;
  createdAt: string;
  expiresAt: string;
  /** Whether the link's page plays the recording too. */
  includeMedia: boolean;
}

/** The body of `POST /v1/jobs/{id}/shares`: each left out takes the service's default (30 days, no audio). */
export interface CreateShareRequest {
  /** 1–365. */
  expiresInDays?: number;
  includeMedia?: boolean;
}

/** A new link: its `url` (`{webOrigin}/s/{token}`) and token are shown this once. */
export interface CreatedShare {
  id: string;
  token: string;
  url: string;
  expiresAt: string;
}

/** What `GET /v1/shares/{token}` shows anyone holding the link, signed in or not. */
export interface SharedTranscript {
  title: string;
  durationSec: number | null;
  transcript: Transcript;
  /** A short-lived URL of the recording, when the link includes it. */
  media?: MediaLink;
}
