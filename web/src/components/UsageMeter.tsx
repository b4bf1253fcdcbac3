import { formatMinutes, formatMoney, overageMinutes, usageIsHigh, usagePercent } from "../lib/billing";

interface UsageMeterProps {
  usedMinutes: number;
  limitMinutes: number;
  /** Business's price of a minute beyond the plan's, in cents; null when jobs stop there instead. */
  overageCentsPerMinute?: number | null;
  currency?: string;
}

/** The month's audio minutes against the plan's, as numbers and a bar (a `meter` for assistive technology). */
export function UsageMeter({ usedMinutes, limitMinutes, overageCentsPerMinute = null, currency = "usd" }: UsageMeterProps) {
  const percent = usagePercent(usedMinutes, limitMinutes);
  const shown = Math.round(usedMinutes * 10) / 10;
  const over = overageMinutes(usedMinutes, limitMinutes);
  return (
    <div className="usage">
      <div className="usage-numbers">
        <span className="usage-value">{formatMinutes(shown)}</span>
        <span className="usage-of"> of {formatMinutes(limitMinutes)} audio minutes</span>
      </div>
      <div
        className={`progress progress-md${usageIsHigh(usedMinutes, limitMinutes) ? " progress-warn" : ""}`}
        role="meter"
        aria-label="Audio minutes used this period"
        aria-valuemin={0}
        aria-valuemax={limitMinutes}
        aria-valuenow={Math.min(shown, limitMinutes)}
        aria-valuetext={`${shown} of ${limitMinutes} minutes`}
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      {over > 0 && overageCentsPerMinute !== null ? (
        <p className="muted">
          {formatMinutes(over)} minutes beyond the plan's, billed at {formatMoney(overageCentsPerMinute, currency)} a minute with the next invoice.
        </p>
      ) : (
        <p className="muted">{formatMinutes(Math.max(0, Math.round((limitMinutes - usedMinutes) * 10) / 10))} minutes left in this period.</p>
      )}
    </div>
  );
}
