import type { ReactNode } from "react";
import { ApiError, messageOf } from "../api/errors";
import { Link } from "../router";
import { Alert } from "./Alert";

/**
 * Whether an error is the plan's limit (402: the month's minutes are used up, say), which a
 * bigger plan lifts. A declined card is a 402 too, but no plan helps with that.
 */
export function needsBiggerPlan(error: unknown): boolean {
  return error instanceof ApiError && error.status === 402 && error.code !== "card_declined";
}

/** An error's message in an alert; a plan's limit also links to the pricing page. */
export function ErrorAlert({ error, action }: { error: unknown; action?: ReactNode }) {
  return (
    <Alert action={action}>
      {messageOf(error)}
      {needsBiggerPlan(error) && (
        <>
          {" "}
          <Link to="/pricing" className="text-link">
            See the plans
          </Link>
        </>
      )}
    </Alert>
  );
}
