import { useCallback, useEffect, useState } from "react";
import { messageOf } from "../api/errors";
import type { Plan, PlanId } from "../api/types";
import { useAuth } from "../auth";
import { Alert } from "../components/Alert";
import { Icon } from "../components/Icon";
import { PageHeader } from "../components/Layout";
import { Loading } from "../components/Spinner";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import { formatPrice, perInterval, planChange, planFeatures, sortPlans, switchLabel } from "../lib/billing";
import { Link } from "../router";

/**
 * A plan's button. Signed out: sign up (then the card form, for a paid plan). Signed in: the
 * billing page, with the plan to move to (`?plan=`) unless it is the current one. A cheaper paid
 * plan says it starts at the end of the period, as the move is scheduled for then.
 */
function PlanAction({ plan, plans, current, signedIn }: { plan: Plan; plans: Plan[]; current: PlanId | null; signedIn: boolean }) {
  const free = plan.priceCents === 0;
  if (!signedIn) {
    const next = `/billing?plan=${encodeURIComponent(plan.id)}`;
    return (
      <Link to={free ? "/signup" : `/signup?next=${encodeURIComponent(next)}`} className={`button ${free ? "button-secondary" : "button-primary"} button-block`}>
        {free ? "Start for free" : `Sign up for ${plan.name}`}
      </Link>
    );
  }
  if (current === null) return null; // The account's plan is still loading.
  const to = `/billing?plan=${encodeURIComponent(plan.id)}`;
  switch (planChange(plans, current, plan.id)) {
    case "current":
      return free ? (
        <p className="plan-note">
          <Icon name="check" size={16} /> You are on this plan
        </p>
      ) : (
        <Link to="/billing" className="button button-secondary button-block">
          Manage your plan
        </Link>
      );
    case "upgrade":
      return (
        <Link to={to} className="button button-primary button-block">
          Upgrade to {plan.name}
        </Link>
      );
    case "downgrade":
      return (
        <Link to={to} className="button button-secondary button-block">
          {free ? `Downgrade to ${plan.name}` : switchLabel(plan)}
        </Link>
      );
  }
}

/** The plans side by side: price, minutes, file length, jobs at once, what happens beyond the minutes. */
export function PricingPage() {
  useDocumentTitle("Pricing");
  const { api, session } = useAuth();
  const signedIn = Boolean(session);
  const [plans, setPlans] = useState<Plan[] | null>(null);
  const [current, setCurrent] = useState<PlanId | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      const [offered, me] = await Promise.all([api.plans(), signedIn ? api.me().catch(() => null) : Promise.resolve(null)]);
      setPlans(sortPlans(offered));
      setCurrent(me?.plan ?? (signedIn ? "free" : null));
    } catch (caught) {
      setError(messageOf(caught));
    }
  }, [api, signedIn]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="page">
      <PageHeader
        title="Plans and pricing"
        description="Pay for the audio you transcribe each month. Every plan gives timed transcripts in text, SRT, WebVTT and JSON, the API and webhooks. Change or cancel at any time."
      />
      {error && (
        <Alert
          action={
            <button type="button" className="button button-secondary button-small" onClick={load}>
              Try again
            </button>
          }
        >
          {error}
        </Alert>
      )}
      {!plans && !error && <Loading label="Loading the plans…" />}
      {plans && (
        <ul className="plans" aria-label="Plans">
          {plans.map((plan) => {
            const isCurrent = signedIn && current === plan.id;
            const headingId = `plan-${plan.id}-name`;
            return (
              <li key={plan.id} className={`plan${isCurrent ? " plan-current" : ""}`} aria-labelledby={headingId} data-plan={plan.id}>
                <div className="plan-head">
                  <h2 id={headingId} className="plan-name">
                    {plan.name}
                  </h2>
                  {isCurrent && <span className="pill pill-success">Your plan</span>}
                </div>
                <p className="plan-price">
                  <span className="plan-amount">{formatPrice(plan.priceCents, plan.currency)}</span>
                  <span className="plan-interval"> {perInterval(plan.interval)}</span>
                </p>
                <ul className="plan-features">
                  {planFeatures(plan).map((feature) => (
                    <li key={feature}>
                      <Icon name="check" size={16} />
                      <span>{feature}</span>
                    </li>
                  ))}
                </ul>
                <div className="plan-action">
                  <PlanAction plan={plan} plans={plans} current={current} signedIn={signedIn} />
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {plans && (
        <p className="plans-footnote muted">
          <Icon name="lock" size={14} /> Payments are handled by Stripe: your card details go to Stripe, never to Transcriptor.
        </p>
      )}
    </div>
  );
}
