import type { Job } from "../api/types";
import { plural } from "./format";

/**
 * How far a job is, 0–100, across its stages: the pipeline's stages before transcription take a
 * small share each, transcription (measured in chunks) the most of it.
 */
export function overallPercent(job: Pick<Job, "status" | "progress">): number {
  const chunks = job.progress.chunksTotal > 0 ? Math.min(1, job.progress.chunksDone / job.progress.chunksTotal) : 0;
  switch (job.status) {
    case "queued":
      return 2;
    case "fetching":
      return 8;
    case "transcoding":
      return 18;
    case "transcribing":
      return Math.round(25 + 70 * chunks);
    case "finalizing":
      return 97;
    case "done":
      return 100;
    case "failed":
      return 0;
    default:
      return 0;
  }
}

/** What the job is doing, in a few words: "Transcribing: 2 of 5 parts". */
export function progressText(job: Pick<Job, "status" | "progress" | "source">): string {
  const { chunksDone, chunksTotal } = job.progress;
  switch (job.status) {
    case "queued":
      return job.source.type === "upload" ? "Waiting for the upload" : "Waiting to start";
    case "fetching":
      return "Downloading the link";
    case "transcoding":
      return "Preparing the audio";
    case "transcribing":
      return chunksTotal > 0 ? `Transcribing: ${chunksDone} of ${plural(chunksTotal, "part")}` : "Transcribing";
    case "finalizing":
      return "Putting the transcript together";
    case "done":
      return "Done";
    case "failed":
      return "Failed";
    default:
      return job.status;
  }
}

/** What changed between two looks at the same jobs, for the live region: "“talk.mp3” is done." */
export function statusChanges(before: Job[], after: Job[]): string[] {
  const previous = new Map(before.map((job) => [job.id, job.status]));
  const messages: string[] = [];
  for (const job of after) {
    const was = previous.get(job.id);
    if (!was || was === job.status) continue;
    if (job.status === "done") messages.push(`“${job.title}” is done.`);
    else if (job.status === "failed") messages.push(`“${job.title}” failed: ${job.error?.message ?? "no reason given"}`);
  }
  return messages;
}
