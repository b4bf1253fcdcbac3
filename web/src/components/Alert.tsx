import type { ReactNode } from "react";
import { Icon } from "./Icon";

type Tone = "error" | "success" | "info" | "warning";

/**
 * A message box. Errors are `role="alert"` (read out at once); the others are polite status
 * messages. Render it empty-less: mount it with its message so it is announced.
 */
export function Alert({ tone = "error", title, children, action }: { tone?: Tone; title?: string; children: ReactNode; action?: ReactNode }) {
  const icon = tone === "success" ? "check" : tone === "error" || tone === "warning" ? "alert" : "info";
  return (
    <div className={`alert alert-${tone}`} role={tone === "error" ? "alert" : "status"}>
      <Icon name={icon} className="alert-icon" />
      <div className="alert-body">
        {title && <p className="alert-title">{title}</p>}
        <div>{children}</div>
      </div>
      {action && <div className="alert-action">{action}</div>}
    </div>
  );
}
