// Plans, prices and usage as the pricing and billing pages show them.

import type { Billing, BillingAddress, Invoice, PaymentMethod, Plan, PlanId } from "../api/types";
import { isCountryCode } from "./countries";
import { formatDate } from "./format";

function currencyFormat(currency: string, fractionDigits: number): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat("en-US", {
      style: "currency",
      currency: currency.toUpperCase(),
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
    });
  } catch {
    // Not an ISO 4217 code: the amount with the code after it.
    return new Intl.NumberFormat("en-US", { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits });
  }
}

function withCode(text: string, currency: string, format: Intl.NumberFormat): string {
  return format.resolvedOptions().style === "currency" ? text : `${text} ${currency.toUpperCase()}`;
}

/** An amount to the cent, as on an invoice: `$15.00`, `-$7.50`, `$0.01`. */
export function formatMoney(cents: number, currency = "usd"): string {
  const safe = Number.isFinite(cents) ? Math.round(cents) : 0;
  const format = currencyFormat(currency, 2);
  return withCode(format.format(safe / 100), currency, format);
}

/** A price as the pricing page shows it: whole amounts without cents (`$15`, `$0`), others with them (`$9.50`). */
export function formatPrice(cents: number, currency = "usd"): string {
  const safe = Number.isFinite(cents) ? Math.round(cents) : 0;
  const format = currencyFormat(currency, safe % 100 === 0 ? 0 : 2);
  return withCode(format.format(safe / 100), currency, format);
}

/** "month" → "a month"; other intervals as "a year", "a week". */
export function perInterval(interval: string): string {
  return `a ${interval || "month"}`;
}

/** `1,200` — minute counts with thousands separated. */
export function formatMinutes(minutes: number): string {
  const rounded = Math.round((Number.isFinite(minutes) ? minutes : 0) * 10) / 10;
  return rounded.toLocaleString("en-US", { maximumFractionDigits: 1 });
}

/** The longest recording a plan takes, in words: "30 minutes", "4 hours", "1 hour 30 minutes". */
export function formatFileLength(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return "—";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return minutes === 1 ? "1 minute" : `${minutes} minutes`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const h = hours === 1 ? "1 hour" : `${hours} hours`;
  return rest ? `${h} ${rest} ${rest === 1 ? "minute" : "minutes"}` : h;
}

/** What happens beyond the month's minutes on a plan. */
export function overageNote(plan: Pick<Plan, "overageCentsPerMinute" | "currency">): string {
  if (plan.overageCentsPerMinute === null || plan.overageCentsPerMinute === undefined) {
    return "No overage charges: new jobs wait for next month";
  }
  return `Beyond that, ${formatMoney(plan.overageCentsPerMinute, plan.currency)} a minute`;
}

/**
 * How full the month is, in percent of the included minutes, for a bar: 0–100 (more than the
 * plan's minutes is a full bar), 0 when nothing is included or the numbers are not numbers.
 */
export function usagePercent(used: number, included: number): number {
  if (!Number.isFinite(used) || !Number.isFinite(included) || included <= 0 || used <= 0) return 0;
  return Math.min(100, (used / included) * 100);
}

/** Minutes beyond the plan's (0 when within it). */
export function overageMinutes(used: number, included: number): number {
  if (!Number.isFinite(used) || !Number.isFinite(included)) return 0;
  return Math.max(0, Math.round((used - included) * 10) / 10);
}

/** Whether a bar should warn: 90 % used or more. */
export function usageIsHigh(used: number, included: number): boolean {
  return usagePercent(used, included) >= 90;
}

/** Plans from the cheapest; the order the pricing page lays them out in. */
export function sortPlans(plans: readonly Plan[]): Plan[] {
  return [...plans].sort((a, b) => a.priceCents - b.priceCents || a.monthlyMinutes - b.monthlyMinutes);
}

export type PlanChange = "current" | "upgrade" | "downgrade";

/** Moving from `current` to `target`: the same plan, a dearer one, or a cheaper one. */
export function planChange(plans: readonly Plan[], current: PlanId, target: PlanId): PlanChange {
  if (current === target) return "current";
  const from = plans.find((plan) => plan.id === current);
  const to = plans.find((plan) => plan.id === target);
  if (!from || !to) return "upgrade";
  return to.priceCents > from.priceCents || (to.priceCents === from.priceCents && to.monthlyMinutes > from.monthlyMinutes) ? "upgrade" : "downgrade";
}

/** A plan's name from its id ("pro" → "Pro" when the plans are not known). */
export function planName(plans: readonly Plan[] | null, id: PlanId): string {
  const plan = plans?.find((candidate) => candidate.id === id);
  return plan ? plan.name : id.charAt(0).toUpperCase() + id.slice(1);
}

/**
 * The button and form title for moving a paid subscription to a cheaper paid plan, which happens
 * at the end of the period (moving to Free is cancelling, worded by the pages).
 */
export function switchLabel(plan: Pick<Plan, "name">): string {
  return `Switch to ${plan.name} at the end of the period`;
}

/**
 * A move to a cheaper plan that waits for the period's end, in words: "Your plan moves to Pro on
 * 7 Jan 2027. Until then you keep Business."; null when none is scheduled.
 */
export function scheduledMoveNote(plans: readonly Plan[] | null, billing: Pick<Billing, "plan" | "scheduledPlan" | "currentPeriodEnd">): string | null {
  if (!billing.scheduledPlan) return null;
  const date = billing.currentPeriodEnd ? formatDate(billing.currentPeriodEnd) : "";
  const when = date ? `on ${date}` : "at the end of the period";
  return `Your plan moves to ${planName(plans, billing.scheduledPlan)} ${when}. Until then you keep ${planName(plans, billing.plan)}.`;
}

const STATUS: Record<string, { label: string; tone: "success" | "warning" | "danger" | "neutral" }> = {
  active: { label: "Active", tone: "success" },
  trialing: { label: "Trial", tone: "success" },
  past_due: { label: "Payment overdue", tone: "warning" },
  unpaid: { label: "Unpaid", tone: "danger" },
  incomplete: { label: "Waiting for payment", tone: "warning" },
  incomplete_expired: { label: "Payment not completed", tone: "danger" },
  canceled: { label: "Canceled", tone: "neutral" },
  paused: { label: "Paused", tone: "warning" },
};

/** A subscription's status (Stripe's word) for people, with a tone for its pill. */
export function subscriptionStatus(status: string | null): { label: string; tone: "success" | "warning" | "danger" | "neutral" } {
  if (!status) return { label: "No subscription", tone: "neutral" };
  return STATUS[status] ?? { label: status.replace(/_/g, " "), tone: "neutral" };
}

const INVOICE_STATUS: Record<string, { label: string; tone: "success" | "warning" | "danger" | "neutral" }> = {
  paid: { label: "Paid", tone: "success" },
  open: { label: "Due", tone: "warning" },
  draft: { label: "Draft", tone: "neutral" },
  void: { label: "Void", tone: "neutral" },
  uncollectible: { label: "Uncollectible", tone: "danger" },
};

export function invoiceStatus(status: string): { label: string; tone: "success" | "warning" | "danger" | "neutral" } {
  return INVOICE_STATUS[status] ?? { label: status.replace(/_/g, " "), tone: "neutral" };
}

/** The amount an invoice is about: what was paid once paid, else what is due. */
export function invoiceAmount(invoice: Pick<Invoice, "status" | "amountDueCents" | "amountPaidCents">): number {
  return invoice.status === "paid" ? invoice.amountPaidCents : invoice.amountDueCents;
}

const BRANDS: Record<string, string> = {
  visa: "Visa",
  mastercard: "Mastercard",
  amex: "American Express",
  discover: "Discover",
  diners: "Diners Club",
  jcb: "JCB",
  unionpay: "UnionPay",
};

/** "Visa ending in 4242". */
export function describeCard(card: Pick<PaymentMethod, "brand" | "last4">): string {
  const words = card.brand.replace(/[_-]+/g, " ").trim();
  const brand = BRANDS[card.brand.toLowerCase()] ?? (words ? words.charAt(0).toUpperCase() + words.slice(1) : "Card");
  return `${brand} ending in ${card.last4}`;
}

/** "12/2034". */
export function cardExpiry(card: Pick<PaymentMethod, "expMonth" | "expYear">): string {
  return `${String(card.expMonth).padStart(2, "0")}/${card.expYear}`;
}

/** What the subscription's period end means: renews on, ends on, moves on (a scheduled move), or nothing to say. */
export function renewalNote(billing: Pick<Billing, "currentPeriodEnd" | "cancelAtPeriodEnd" | "status"> & { scheduledPlan?: PlanId | null }): string | null {
  if (!billing.currentPeriodEnd || !billing.status || billing.status === "canceled" || billing.status === "incomplete_expired") return null;
  const date = formatDate(billing.currentPeriodEnd);
  if (!date) return null;
  if (billing.scheduledPlan) return `Changes plan on ${date}`;
  return billing.cancelAtPeriodEnd ? `Ends on ${date}` : `Renews on ${date}`;
}

/** The limits a plan gives, one line each, as the pricing page lists them. */
export function planFeatures(plan: Plan): string[] {
  return [
    `${formatMinutes(plan.monthlyMinutes)} audio minutes a month`,
    `Recordings up to ${formatFileLength(plan.maxFileSeconds)} long`,
    `${plan.jobsInFlight} ${plan.jobsInFlight === 1 ? "job" : "jobs"} at once`,
    overageNote(plan),
  ];
}

/** The billing address as the card form holds it: what was typed, each field a string. */
export interface AddressForm {
  country: string;
  postalCode: string;
  line1: string;
  city: string;
}

export type AddressErrors = Partial<Record<keyof AddressForm, string>>;

export const EMPTY_ADDRESS: AddressForm = { country: "", postalCode: "", line1: "", city: "" };

/** The API's bound on every field of a billing address. */
export const ADDRESS_FIELD_MAX = 100;

/** Countries whose postal code the card form asks for (Stripe's card checks and tax need it there). */
const POSTAL_CODE_COUNTRIES = new Set(["US", "CA", "GB"]);

export function postalCodeRequired(country: string): boolean {
  return POSTAL_CODE_COUNTRIES.has(country);
}

// C0 controls, DEL and C1 controls, which the API refuses in an address.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The address the subscribe call sends, checked as the API checks it: a country of the ISO list,
 * a postal code where `postalCodeRequired`, every field at most 100 characters and without
 * control characters. Fields are trimmed, and empty ones left out. Either the address or, for
 * each field that fails, what to fix.
 */
export function checkBillingAddress(form: AddressForm): { address: BillingAddress; errors?: undefined } | { address?: undefined; errors: AddressErrors } {
  const errors: AddressErrors = {};
  const values = {
    country: form.country.trim(),
    postalCode: form.postalCode.trim(),
    line1: form.line1.trim(),
    city: form.city.trim(),
  };
  for (const key of ["country", "postalCode", "line1", "city"] as const) {
    const value = values[key];
    if (value.length > ADDRESS_FIELD_MAX) errors[key] = `At most ${ADDRESS_FIELD_MAX} characters.`;
    else if (CONTROL.test(value)) errors[key] = "Remove the tabs, line breaks or other control characters.";
  }
  if (!values.country) errors.country = "Choose the country of your billing address.";
  else if (!errors.country && !isCountryCode(values.country)) errors.country = "Choose a country from the list.";
  if (!values.postalCode && postalCodeRequired(values.country)) errors.postalCode = "Enter your postal code.";
  if (Object.keys(errors).length > 0) return { errors };
  const address: BillingAddress = { country: values.country };
  if (values.postalCode) address.postalCode = values.postalCode;
  if (values.line1) address.line1 = values.line1;
  if (values.city) address.city = values.city;
  return { address };
}
