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
  usage: { month: string; audioSeconds: number; jobs: number };
  limits: { monthlyAudioMinutes: number; jobsInFlight: number; maxUploadBytes: number; maxFileSeconds: number };
  webhookSecret: string;
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
  options: { language: string };
  webhook: { url: string } | null;
  durationSec: number | null;
  language: string | null;
  createdAt: string;
  updatedAt: string;
  error?: { code: string; message: string };
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
  options?: { language: string };
  webhook?: { url: string };
}

export interface Word {
  start: number;
  end: number;
  word: string;
  confidence?: number | null;
}

export interface Segment {
  start: number;
  end: number;
  text: string;
  words: Word[];
}

export interface Transcript {
  jobId: string;
  language: string;
  durationSec: number;
  text: string;
  segments: Segment[];
}

export interface MediaLink {
  url: string;
  expiresAt: string;
}

export type TranscriptFormat = "txt" | "srt" | "vtt" | "json";

/** Statuses of a job the pipeline is still working on, in the order it passes them. */
export const IN_FLIGHT: readonly JobStatus[] = ["queued", "fetching", "transcoding", "transcribing", "finalizing"];

/** The order a job that succeeds passes through its statuses. */
export const STATUS_ORDER: readonly JobStatus[] = [...IN_FLIGHT, "done"];

export function isInFlight(job: Pick<Job, "status">): boolean {
  return IN_FLIGHT.includes(job.status);
}
