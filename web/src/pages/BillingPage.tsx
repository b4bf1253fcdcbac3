import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from "react";
import { messageOf } from "../api/errors";
import type { Billing, BillingAddress, Invoice, Plan } from "../api/types";
import { useApi } from "../auth";
import { Alert } from "../components/Alert";
import { ConfirmDialog } from "../components/Dialog";
import { SelectField, TextField } from "../components/Field";
import { Icon } from "../components/Icon";
import { PageHeader } from "../components/Layout";
import { Loading, Spinner } from "../components/Spinner";
import { useToast } from "../components/Toasts";
import { UsageMeter } from "../components/UsageMeter";
import { useDocumentTitle } from "../hooks/useDocumentTitle";
import {
  ADDRESS_FIELD_MAX,
  EMPTY_ADDRESS,
  cardExpiry,
  checkBillingAddress,
  describeCard,
  formatMinutes,
  formatMoney,
  formatPrice,
  invoiceAmount,
  invoiceStatus,
  perInterval,
  planChange,
  planName,
  postalCodeRequired,
  scheduledMoveNote,
  sortPlans,
  subscriptionStatus,
  switchLabel,
  type AddressErrors,
  type AddressForm,
} from "../lib/billing";
import { COUNTRIES } from "../lib/countries";
import { formatDate } from "../lib/format";
import { paymentMethodId, stripeClient, stripeErrorMessage, type StripeCardElement, type StripeClient } from "../lib/stripe";
import { Link, useNavigate, useSearchParam } from "../router";

/** A subscription that gives its plan now (a failed renewal keeps it for a grace period). */
function isLive(status: string | null): boolean {
  return status === "active" || status === "trialing" || status === "past_due";
}

function StatusPill({ tone, children, testId }: { tone: "success" | "warning" | "danger" | "neutral"; children: string; testId?: string }) {
  return (
    <span className={`pill pill-${tone}`} data-testid={testId}>
      {children}
    </span>
  );
}

/**
 * Labels for the fields of the local Stripe.js stand-in's card element (bare inputs named only by
 * their placeholders). Stripe's own element is a frame that labels its fields itself.
 */
const STAND_IN_FIELDS: Record<string, { label: string; autocomplete: string }> = {
  number: { label: "Card number", autocomplete: "cc-number" },
  exp_month: { label: "Expiry month (MM)", autocomplete: "cc-exp-month" },
  exp_year: { label: "Expiry year (YY)", autocomplete: "cc-exp-year" },
  cvc: { label: "Security code (CVC)", autocomplete: "cc-csc" },
  postal_code: { label: "Postal code", autocomplete: "postal-code" },
};

function labelStandInFields(host: HTMLElement): void {
  host.querySelectorAll<HTMLInputElement>("input[placeholder]").forEach((input) => {
    const field = STAND_IN_FIELDS[input.placeholder];
    if (!field) return;
    if (!input.hasAttribute("aria-label")) input.setAttribute("aria-label", field.label);
    input.setAttribute("autocomplete", field.autocomplete);
    input.setAttribute("inputmode", "numeric");
    input.classList.add("input", "card-element-input");
  });
}

/**
 * Stripe's card element, mounted in a box of ours. Stripe owns what is inside (its fields talk to
 * Stripe only); `onElement` hands the element to the form, which confirms it with Stripe.js.
 */
function CardField({ stripe, onElement, error }: { stripe: StripeClient; onElement: (element: StripeCardElement | null) => void; error: string | null }) {
  const host = useRef<HTMLDivElement>(null);
  const handOver = useRef(onElement);
  handOver.current = onElement;
  const labelId = useId();
  const [fieldError, setFieldError] = useState<string | null>(null);

  useEffect(() => {
    if (!host.current) return undefined;
    const element = stripe.elements().create("card", { style: { base: { fontSize: "16px" } } });
    element.mount(host.current);
    labelStandInFields(host.current);
    element.on("change", (event) => setFieldError(event?.error?.message ?? null));
    handOver.current(element);
    return () => {
      handOver.current(null);
      element.destroy();
    };
  }, [stripe]);

  const shown = fieldError ?? error;
  return (
    <div className={`field${shown ? " field-invalid" : ""}`}>
      <span className="field-label" id={labelId}>
        Card
      </span>
      <div ref={host} className="card-element" role="group" aria-labelledby={labelId} data-testid="card-element" />
      {shown && (
        <p className="field-error" role="alert">
          <Icon name="alert" size={14} /> {shown}
        </p>
      )}
    </div>
  );
}

/**
 * The cardholder's billing address, asked with a new card: the country (required), the postal
 * code (required where `postalCodeRequired`), the first address line and the city. The service
 * keeps it on the Stripe customer, for invoices and tax.
 */
function BillingAddressFields({
  value,
  errors,
  onChange,
}: {
  value: AddressForm;
  errors: AddressErrors;
  onChange: (field: keyof AddressForm, text: string) => void;
}) {
  const postalRequired = postalCodeRequired(value.country);
  return (
    <fieldset className="form billing-address">
      <legend className="field-label billing-address-legend">Billing address</legend>
      <div className="form-grid">
        <SelectField
          label="Country"
          name="country"
          autoComplete="country"
          required
          aria-required="true"
          value={value.country}
          onChange={(event) => onChange("country", event.target.value)}
          error={errors.country}
        >
          <option value="" disabled>
            Choose a country
          </option>
          {COUNTRIES.map((country) => (
            <option key={country.code} value={country.code}>
              {country.name}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Postal code"
          name="postal-code"
          autoComplete="postal-code"
          optional={!postalRequired}
          required={postalRequired}
          aria-required={postalRequired || undefined}
          maxLength={ADDRESS_FIELD_MAX}
          spellCheck={false}
          value={value.postalCode}
          onChange={(event) => onChange("postalCode", event.target.value)}
          error={errors.postalCode}
        />
      </div>
      <div className="form-grid">
        <TextField
          label="Address line 1"
          name="address-line1"
          autoComplete="address-line1"
          optional
          maxLength={ADDRESS_FIELD_MAX}
          value={value.line1}
          onChange={(event) => onChange("line1", event.target.value)}
          error={errors.line1}
        />
        <TextField
          label="City"
          name="city"
          autoComplete="address-level2"
          optional
          maxLength={ADDRESS_FIELD_MAX}
          value={value.city}
          onChange={(event) => onChange("city", event.target.value)}
          error={errors.city}
        />
      </div>
    </fieldset>
  );
}

type Phase = "idle" | "saving" | "subscribing" | "authenticating" | "refreshing";

const PHASE_TEXT: Record<Exclude<Phase, "idle">, string> = {
  saving: "Checking your card with Stripe…",
  subscribing: "Subscribing…",
  authenticating: "Waiting for your bank to confirm the payment…",
  refreshing: "Confirming the payment…",
};

/**
 * Subscribing to a paid plan, or moving to one: a card (Stripe's element, confirmed through a
 * SetupIntent, so only the PaymentMethod's id reaches our API) or the card on file, then the
 * subscription. A new card comes with the billing address, checked here as the API checks it
 * before anything is sent (the API's 400 for one it refuses is shown). A declined card shows
 * Stripe's reason; one that needs authentication goes through Stripe.js's confirmation, then the
 * billing is read again. A move to a cheaper paid plan is
 * scheduled for the period's end (the answer's `scheduledPlan`), and the form says so first.
 */
function SubscribePanel({
  plan,
  plans,
  billing,
  onSubscribed,
  onClose,
}: {
  plan: Plan;
  plans: Plan[];
  billing: Billing;
  onSubscribed: (billing: Billing) => void;
  onClose: () => void;
}) {
  const api = useApi();
  const saved = billing.paymentMethod;
  const [useSaved, setUseSaved] = useState(Boolean(saved));
  const [stripe, setStripe] = useState<StripeClient | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>("idle");
  const [error, setError] = useState<string | null>(null);
  const [address, setAddress] = useState<AddressForm>(EMPTY_ADDRESS);
  const [addressErrors, setAddressErrors] = useState<AddressErrors>({});
  const [refusals, setRefusals] = useState(0);
  const card = useRef<StripeCardElement | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const headingId = useId();
  const needsCard = !useSaved;
  const { jsUrl, publishableKey } = billing.stripe;

  const loadStripe = useCallback(() => {
    setLoadError(null);
    stripeClient(jsUrl, publishableKey).then(setStripe, (caught: unknown) => setLoadError(messageOf(caught)));
  }, [jsUrl, publishableKey]);

  useEffect(() => {
    if (needsCard && !stripe) loadStripe();
  }, [needsCard, stripe, loadStripe]);

  const moving = isLive(billing.status) && billing.plan !== "free";
  const change = planChange(plans, billing.plan, plan.id);
  const scheduling = moving && change === "downgrade";
  const title = !moving
    ? `Subscribe to ${plan.name}`
    : change === "upgrade"
      ? `Upgrade to ${plan.name}`
      : change === "downgrade"
        ? switchLabel(plan)
        : `Pay for ${plan.name}`;
  const periodEnd = billing.currentPeriodEnd ? formatDate(billing.currentPeriodEnd) : "";
  const busy = phase !== "idle";

  // A refused address: the first field to fix gets the focus.
  useEffect(() => {
    if (refusals > 0) form.current?.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
  }, [refusals]);

  const changeAddress = (field: keyof AddressForm, text: string) => {
    setAddress((current) => ({ ...current, [field]: text }));
    // A changed field's error goes; a new country may make the postal code optional, so its error goes too.
    setAddressErrors((current) => {
      const next = { ...current };
      delete next[field];
      if (field === "country") delete next.postalCode;
      return next;
    });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    let client = stripe;
    let billingAddress: BillingAddress | undefined;
    if (needsCard) {
      const checked = checkBillingAddress(address);
      if (checked.errors) {
        setAddressErrors(checked.errors);
        setRefusals((count) => count + 1);
        return;
      }
      setAddressErrors({});
      billingAddress = checked.address;
    }
    try {
      let methodId: string | undefined;
      if (needsCard) {
        if (!client || !card.current) {
          setError("The card form is still loading. Try again in a moment.");
          return;
        }
        setPhase("saving");
        const secret = await api.createSetupIntent();
        const result = await client.confirmCardSetup(secret, { payment_method: { card: card.current } });
        const id = result.error ? null : paymentMethodId(result.setupIntent);
        if (!id) {
          setError(stripeErrorMessage(result.error));
          setPhase("idle");
          return;
        }
        methodId = id;
      }
      setPhase("subscribing");
      const answer = await api.subscribe(plan.id, { paymentMethodId: methodId, billingAddress });
      if (answer.kind === "done") {
        onSubscribed(answer.billing);
        return;
      }
      // The bank wants the cardholder to confirm (3-D Secure): Stripe.js asks, then the
      // subscription is read again (the API asks Stripe how it went).
      setPhase("authenticating");
      client = client ?? (await stripeClient(jsUrl, publishableKey));
      const confirmed = await client.confirmCardPayment(answer.clientSecret);
      setPhase("refreshing");
      const fresh = await api.billing();
      if ((fresh.plan === plan.id || fresh.scheduledPlan === plan.id) && isLive(fresh.status)) {
        onSubscribed(fresh);
        return;
      }
      setError(
        confirmed.error
          ? stripeErrorMessage(confirmed.error, "The payment was not confirmed, so your plan did not change. Try again or use another card.")
          : "The payment was not confirmed, so your plan did not change. Try again or use another card.",
      );
      setPhase("idle");
    } catch (caught) {
      // A declined card is a 402 with Stripe's reason ("Your card was declined."); an address the
      // API refuses, a 400 whose message says which field.
      setError(messageOf(caught));
      setPhase("idle");
    }
  };

  return (
    <section className="card card-highlight subscribe" aria-labelledby={headingId}>
      <h2 id={headingId} className="card-title">
        {title}
      </h2>
      <p className="card-lede">
        {plan.name} is {formatPrice(plan.priceCents, plan.currency)} {perInterval(plan.interval)} for {formatMinutes(plan.monthlyMinutes)} audio minutes
        {scheduling
          ? `. The switch happens at the end of the period${periodEnd ? `, on ${periodEnd}` : ""}; until then you keep ${planName(plans, billing.plan)}.`
          : moving
            ? ". The change applies at once."
            : `. You are charged ${formatMoney(plan.priceCents, plan.currency)} now, then every ${plan.interval || "month"} until you cancel.`}
      </p>
      <form ref={form} className="form" onSubmit={submit} noValidate aria-describedby={`${headingId}-note`}>
        <fieldset className="form" disabled={busy}>
          <legend className="visually-hidden">Payment</legend>
          {saved && (
            <div className="choice-list" role="radiogroup" aria-label="Pay with">
              <label className="toggle">
                <input type="radio" name="card-choice" checked={useSaved} onChange={() => setUseSaved(true)} />
                <span>
                  {describeCard(saved)} <span className="muted">(expires {cardExpiry(saved)})</span>
                </span>
              </label>
              <label className="toggle">
                <input type="radio" name="card-choice" checked={!useSaved} onChange={() => setUseSaved(false)} />
                <span>A new card</span>
              </label>
            </div>
          )}
          {needsCard &&
            (loadError ? (
              <Alert
                action={
                  <button type="button" className="button button-secondary button-small" onClick={loadStripe}>
                    Try again
                  </button>
                }
              >
                {loadError}
              </Alert>
            ) : stripe ? (
              <CardField stripe={stripe} onElement={(element) => (card.current = element)} error={null} />
            ) : (
              <Loading label="Loading the card form…" />
            ))}
          {needsCard && <BillingAddressFields value={address} errors={addressErrors} onChange={changeAddress} />}
        </fieldset>
        {error && <Alert title="Your plan did not change">{error}</Alert>}
        <p className="visually-hidden" role="status">
          {busy ? PHASE_TEXT[phase as Exclude<Phase, "idle">] : ""}
        </p>
        <p id={`${headingId}-note`} className="field-hint subscribe-note">
          <Icon name="lock" size={14} /> Your card details go to Stripe, our payment processor; Transcriptor never sees the card number.
        </p>
        <div className="form-actions subscribe-actions">
          <button type="button" className="button button-secondary" onClick={onClose} disabled={busy}>
            Not now
          </button>
          <button type="submit" className="button button-primary" disabled={busy || (needsCard && !stripe)}>
            {busy && <Spinner />}
            {busy ? PHASE_TEXT[phase as Exclude<Phase, "idle">] : title}
          </button>
        </div>
      </form>
    </section>
  );
}

function InvoicesTable({ invoices }: { invoices: Invoice[] }) {
  return (
    <div className="table-wrap">
      <table className="table invoices">
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Invoice</th>
            <th scope="col">Items</th>
            <th scope="col">Amount</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {invoices.map((invoice) => {
            const date = invoice.createdAt ?? invoice.periodStart;
            const status = invoiceStatus(invoice.status);
            return (
              <tr key={invoice.id} data-invoice-id={invoice.id}>
                <td data-label="Date">
                  {date ? <time dateTime={date}>{formatDate(date)}</time> : "—"}
                  {invoice.periodStart && invoice.periodEnd && (
                    <span className="invoice-period">
                      {formatDate(invoice.periodStart)} – {formatDate(invoice.periodEnd)}
                    </span>
                  )}
                </td>
                <td data-label="Invoice">
                  {invoice.hostedUrl ? (
                    <a href={invoice.hostedUrl} target="_blank" rel="noreferrer" className="text-link">
                      {invoice.number ?? "View"}
                    </a>
                  ) : (
                    <span className="invoice-number">{invoice.number ?? invoice.id}</span>
                  )}
                </td>
                <td data-label="Items">
                  {invoice.lines.length > 0 ? (
                    <ul className="invoice-lines">
                      {invoice.lines.map((line, index) => (
                        <li key={index}>
                          <span>{line.description}</span> <span className="invoice-line-amount">{formatMoney(line.amountCents, invoice.currency)}</span>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    "—"
                  )}
                </td>
                <td data-label="Amount" className="invoice-amount">
                  {formatMoney(invoiceAmount(invoice), invoice.currency)}
                </td>
                <td data-label="Status">
                  <span className={`pill pill-${status.tone}`} data-status={invoice.status}>
                    {status.label}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The account's billing: the plan and its subscription's state, the renewal (or end, or scheduled
 * move) date, the card on file, the month's usage against the plan, the invoices; cancel and
 * resume (which also keeps the current plan when a move to a cheaper one is scheduled); and, with
 * `?plan=ID` (from the pricing page), the form that subscribes to that plan.
 */
export function BillingPage() {
  useDocumentTitle("Billing");
  const api = useApi();
  const notify = useToast();
  const navigate = useNavigate();
  const wanted = useSearchParam("plan");
  const [billing, setBilling] = useState<Billing | null>(null);
  const [plans, setPlans] = useState<Plan[] | null>(null);
  const [invoices, setInvoices] = useState<Invoice[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [invoicesError, setInvoicesError] = useState<string | null>(null);
  const [success, setSuccess] = useState<{ title: string; text: string } | null>(null);
  const [canceling, setCanceling] = useState(false);
  const [resuming, setResuming] = useState(false);
  const [resumeError, setResumeError] = useState<string | null>(null);

  const loadInvoices = useCallback(async () => {
    try {
      setInvoices(await api.invoices());
      setInvoicesError(null);
    } catch (caught) {
      setInvoicesError(messageOf(caught));
    }
  }, [api]);

  const load = useCallback(async () => {
    setError(null);
    try {
      const [current, offered] = await Promise.all([api.billing(), api.plans()]);
      setBilling(current);
      setPlans(sortPlans(offered));
    } catch (caught) {
      setError(messageOf(caught));
    }
  }, [api]);

  useEffect(() => {
    void load();
    void loadInvoices();
  }, [load, loadInvoices]);

  const target = plans?.find((plan) => plan.id === wanted) ?? null;
  const live = billing ? isLive(billing.status) : false;
  const current = billing && plans ? plans.find((plan) => plan.id === billing.plan) ?? null : null;
  const paid = Boolean(billing && billing.plan !== "free" && live);
  // A move to a cheaper plan at the period's end also sets cancelAtPeriodEnd; only without one is
  // the subscription really ending.
  const scheduled = billing?.scheduledPlan ?? null;
  const ending = Boolean(billing?.cancelAtPeriodEnd && !scheduled);

  // From the pricing page's "Downgrade to Free": that is cancelling, which asks first.
  useEffect(() => {
    if (!billing || wanted !== "free") return;
    if (paid && !ending) setCanceling(true);
    navigate("/billing", { replace: true });
  }, [billing, wanted, paid, ending, navigate]);

  // The form for the plan asked for, unless the account is on it and paid up (a failed renewal
  // may pay for it again) or already moves to it at the period's end.
  const alreadyOn = Boolean(billing && target && billing.plan === target.id && (billing.status === "active" || billing.status === "trialing"));
  const alreadyScheduled = Boolean(target && scheduled === target.id && live);
  const showPanel = Boolean(billing && plans && target && target.priceCents > 0 && !alreadyOn && !alreadyScheduled);

  const subscribed = (next: Billing) => {
    setBilling(next);
    if (next.scheduledPlan) {
      const date = next.currentPeriodEnd ? formatDate(next.currentPeriodEnd) : "";
      setSuccess({
        title: "Switch scheduled",
        text: `Your switch to ${planName(plans, next.scheduledPlan)} is scheduled for the end of the period${date ? `, on ${date}` : ""}. Your plan has not changed yet: you keep ${planName(plans, next.plan)} until then.`,
      });
    } else {
      setSuccess({ title: "Subscribed", text: `You are on ${planName(plans, next.plan)} now. Thank you!` });
    }
    navigate("/billing", { replace: true });
    void loadInvoices();
  };

  const cancel = async () => {
    const next = await api.cancelSubscription();
    setBilling(next);
    setSuccess(null);
    notify("Your subscription is cancelled at the end of the period.");
  };

  const resume = async () => {
    const keeping = billing?.scheduledPlan ? planName(plans, billing.plan) : null;
    setResuming(true);
    setResumeError(null);
    try {
      setBilling(await api.resumeSubscription());
      setSuccess(null);
      notify(keeping ? `You keep ${keeping}.` : "Your subscription continues.");
    } catch (caught) {
      setResumeError(messageOf(caught));
    } finally {
      setResuming(false);
    }
  };

  const status = billing ? subscriptionStatus(billing.status) : null;
  const freePlan = plans?.find((plan) => plan.priceCents === 0) ?? null;
  const periodEnd = billing?.currentPeriodEnd ? formatDate(billing.currentPeriodEnd) : "";
  const moveNote = billing ? scheduledMoveNote(plans, billing) : null;
  const resumeLabel = scheduled && billing ? `Keep ${planName(plans, billing.plan)}` : "Resume subscription";

  return (
    <div className="page page-narrow">
      <PageHeader
        title="Billing"
        description="Your plan, the card it is paid with, this period's usage and your invoices."
        actions={
          <Link to="/pricing" className="button button-secondary">
            <Icon name="tag" />
            Compare plans
          </Link>
        }
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
      {!billing && !error && <Loading label="Loading your billing…" />}
      {success && (
        <Alert tone="success" title={success.title}>
          {success.text}
        </Alert>
      )}
      {alreadyOn && target && <Alert tone="info">You are on {target.name} already.</Alert>}
      {alreadyScheduled && target && <Alert tone="info">Your switch to {target.name} is scheduled already.</Alert>}
      {wanted && plans && !target && <Alert tone="warning">There is no plan “{wanted}”. Choose one on the pricing page.</Alert>}

      {billing && plans && target && showPanel && (
        <SubscribePanel key={target.id} plan={target} plans={plans} billing={billing} onSubscribed={subscribed} onClose={() => navigate("/billing", { replace: true })} />
      )}

      {billing && status && (
        <>
          {moveNote && live && (
            <Alert
              tone="info"
              title="Plan change scheduled"
              action={
                <button type="button" className="button button-secondary button-small" onClick={resume} disabled={resuming}>
                  {resuming && <Spinner />}
                  {resumeLabel}
                </button>
              }
            >
              <span data-testid="billing-scheduled">{moveNote}</span>
            </Alert>
          )}
          {ending && live && (
            <Alert
              tone="warning"
              title={periodEnd ? `Your ${planName(plans, billing.plan)} plan ends on ${periodEnd}` : "Your plan is cancelled"}
              action={
                <button type="button" className="button button-secondary button-small" onClick={resume} disabled={resuming}>
                  {resuming && <Spinner />}
                  Resume subscription
                </button>
              }
            >
              After that your account moves to Free. Resume to keep your plan.
            </Alert>
          )}
          {billing.status === "past_due" && (
            <Alert tone="warning" title="The last payment failed">
              Your plan stays for a few days while the payment is retried. Subscribe again with another card to keep it.
            </Alert>
          )}
          {resumeError && <Alert>{resumeError}</Alert>}

          <section className="card" aria-labelledby="plan-heading">
            <h2 id="plan-heading" className="card-title">
              Your plan
            </h2>
            <div className="billing-plan">
              <p className="billing-plan-name">
                <span data-testid="billing-plan">{planName(plans, billing.plan)}</span>
                <StatusPill tone={status.tone} testId="billing-status">
                  {status.label}
                </StatusPill>
              </p>
              {current && (
                <p className="muted">
                  {formatPrice(current.priceCents, current.currency)} {perInterval(current.interval)} · {formatMinutes(current.monthlyMinutes)} audio minutes a month
                </p>
              )}
            </div>
            <dl className="facts">
              {periodEnd && live && (
                <div>
                  <dt>{scheduled ? `Moves to ${planName(plans, scheduled)} on` : billing.cancelAtPeriodEnd ? "Ends on" : "Renews on"}</dt>
                  <dd data-testid="billing-period-end">
                    <time dateTime={billing.currentPeriodEnd ?? undefined}>{periodEnd}</time>
                  </dd>
                </div>
              )}
              <div>
                <dt>Card on file</dt>
                <dd data-testid="billing-card">
                  {billing.paymentMethod ? (
                    <>
                      <Icon name="card" size={16} className="inline-icon" /> {describeCard(billing.paymentMethod)}{" "}
                      <span className="muted">· expires {cardExpiry(billing.paymentMethod)}</span>
                    </>
                  ) : (
                    <span className="muted">None</span>
                  )}
                </dd>
              </div>
            </dl>
            <div className="billing-actions">
              <Link to="/pricing" className="button button-primary">
                {paid ? "Change plan" : "Upgrade"}
              </Link>
              {paid && billing.cancelAtPeriodEnd && (
                <button type="button" className="button button-secondary" onClick={resume} disabled={resuming}>
                  {resuming && <Spinner />}
                  {resumeLabel}
                </button>
              )}
              {paid && !ending && (
                <button type="button" className="button button-ghost button-danger-text" onClick={() => setCanceling(true)}>
                  Cancel subscription…
                </button>
              )}
            </div>
          </section>

          <section className="card" aria-labelledby="billing-usage-heading">
            <h2 id="billing-usage-heading" className="card-title">
              Usage this month
            </h2>
            <UsageMeter
              usedMinutes={billing.usage.minutesUsed}
              limitMinutes={billing.usage.minutesIncluded}
              overageCentsPerMinute={current?.overageCentsPerMinute ?? null}
              currency={current?.currency}
            />
          </section>
        </>
      )}

      {billing && (
        <section className="card" aria-labelledby="invoices-heading">
          <h2 id="invoices-heading" className="card-title">
            Invoices
          </h2>
          {invoicesError && (
            <Alert
              action={
                <button type="button" className="button button-secondary button-small" onClick={loadInvoices}>
                  Try again
                </button>
              }
            >
              {invoicesError}
            </Alert>
          )}
          {!invoices && !invoicesError && <Loading label="Loading your invoices…" />}
          {invoices && invoices.length === 0 && <p className="muted">No invoices yet. They appear here once you subscribe to a paid plan.</p>}
          {invoices && invoices.length > 0 && <InvoicesTable invoices={invoices} />}
        </section>
      )}

      {canceling && billing && (
        <ConfirmDialog
          title="Cancel your subscription?"
          confirmLabel="Cancel subscription"
          cancelLabel="Keep my plan"
          danger
          onConfirm={cancel}
          onClose={() => setCanceling(false)}
        >
          <p>
            You keep {planName(plans, billing.plan)} {periodEnd ? `until ${periodEnd}` : "until the end of the period"}; after that your account moves to{" "}
            {freePlan ? `${freePlan.name} (${formatMinutes(freePlan.monthlyMinutes)} audio minutes a month)` : "Free"}
            {scheduled ? `, instead of the scheduled switch to ${planName(plans, scheduled)}` : ""}. You can resume before then.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
