import type { Job } from "../api/types";
import { overallPercent, progressText } from "../lib/jobs";
import { ProgressBar } from "./ProgressBar";

/** A job's live progress: the bar across its stages and what it is doing now. */
export function JobProgress({ job, size = "sm" }: { job: Job; size?: "sm" | "md" }) {
  const percent = overallPercent(job);
  const text = progressText(job);
  return (
    <div className="job-progress">
      <ProgressBar value={percent} size={size} label={`Progress of “${job.title}”`} valueText={`${text} (${percent}%)`} />
      <span className="job-progress-text">
        {text}
        <span className="job-progress-percent"> · {percent}%</span>
      </span>
    </div>
  );
}
