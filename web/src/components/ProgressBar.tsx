/**
 * A progress bar with its numbers for assistive technology. `value` is 0–100; leave it out for
 * an indeterminate bar (work that has started but cannot be measured yet).
 */
export function ProgressBar({ value, label, valueText, size = "md" }: { value?: number; label: string; valueText?: string; size?: "sm" | "md" }) {
  const clamped = value === undefined ? undefined : Math.max(0, Math.min(100, value));
  return (
    <div
      className={`progress progress-${size}${clamped === undefined ? " progress-indeterminate" : ""}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={clamped === undefined ? undefined : Math.round(clamped)}
      aria-valuetext={valueText}
    >
      <div className="progress-fill" style={clamped === undefined ? undefined : { width: `${clamped}%` }} />
    </div>
  );
}
