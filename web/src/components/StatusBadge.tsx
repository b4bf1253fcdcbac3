import type { JobStatus } from "../api/types";

export const STATUS_LABEL: Record<JobStatus, string> = {
  queued: "Queued",
  fetching: "Fetching",
  transcoding: "Preparing audio",
  transcribing: "Transcribing",
  finalizing: "Finishing",
  done: "Done",
  failed: "Failed",
};

export function StatusBadge({ status }: { status: JobStatus }) {
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      <span className="badge-dot" aria-hidden="true" />
      {STATUS_LABEL[status] ?? status}
    </span>
  );
}
