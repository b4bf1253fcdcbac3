import assert from "node:assert/strict";
import { test } from "node:test";
import type { Plan } from "../src/api/types";
import {
  EMPTY_ADDRESS,
  cardExpiry,
  checkBillingAddress,
  describeCard,
  formatFileLength,
  formatMinutes,
  formatMoney,
  formatPrice,
  invoiceAmount,
  invoiceStatus,
  overageMinutes,
  overageNote,
  planChange,
  planFeatures,
  planName,
  renewalNote,
  scheduledMoveNote,
  sortPlans,
  subscriptionStatus,
  switchLabel,
  usageIsHigh,
  usagePercent,
} from "../src/lib/billing";
import { COUNTRIES, isCountryCode } from "../src/lib/countries";
import { formatDate } from "../src/lib/format";
import { paymentMethodId, stripeErrorMessage } from "../src/lib/stripe";

const PLANS: Plan[] = [
  { id: "business", name: "Business", priceCents: 6000, currency: "usd", interval: "month", monthlyMinutes: 6000, maxFileSeconds: 14400, jobsInFlight: 50, overageCentsPerMinute: 1 },
  { id: "free", name: "Free", priceCents: 0, currency: "usd", interval: "month", monthlyMinutes: 60, maxFileSeconds: 1800, jobsInFlight: 3, overageCentsPerMinute: null },
  { id: "pro", name: "Pro", priceCents: 1500, currency: "usd", interval: "month", monthlyMinutes: 1200, maxFileSeconds: 14400, jobsInFlight: 20, overageCentsPerMinute: null },
];

test("amounts to the cent, as invoices show them", () => {
  assert.equal(formatMoney(1500), "$15.00");
  assert.equal(formatMoney(1), "$0.01");
  assert.equal(formatMoney(0), "$0.00");
  assert.equal(formatMoney(-750, "usd"), "-$7.50");
  assert.equal(formatMoney(123456, "USD"), "$1,234.56");
  assert.equal(formatMoney(1500, "eur"), "€15.00");
  assert.equal(formatMoney(Number.NaN), "$0.00");
});

test("prices without cents when whole, as the pricing page shows them", () => {
  assert.equal(formatPrice(1500), "$15");
  assert.equal(formatPrice(0), "$0");
  assert.equal(formatPrice(6000, "usd"), "$60");
  assert.equal(formatPrice(950), "$9.50");
  assert.equal(formatPrice(100000), "$1,000");
});

test("the usage bar's percentage: part of the included minutes, full beyond them, empty without any", () => {
  assert.equal(usagePercent(0, 60), 0);
  assert.equal(usagePercent(15, 60), 25);
  assert.equal(usagePercent(0.37, 1200), (0.37 / 1200) * 100);
  assert.equal(usagePercent(60, 60), 100);
  assert.equal(usagePercent(90, 60), 100, "over the plan is a full bar");
  assert.equal(usagePercent(5, 0), 0, "nothing included");
  assert.equal(usagePercent(-3, 60), 0);
  assert.equal(usagePercent(Number.NaN, 60), 0);
  assert.equal(usagePercent(10, Number.POSITIVE_INFINITY), 0);
  assert.ok(!usageIsHigh(53.9, 60));
  assert.ok(usageIsHigh(54, 60), "90 % warns");
  assert.equal(overageMinutes(6100.25, 6000), 100.3);
  assert.equal(overageMinutes(10, 60), 0);
});

test("plans in price order, and what moving between them is", () => {
  const sorted = sortPlans(PLANS);
  assert.deepEqual(
    sorted.map((plan) => plan.id),
    ["free", "pro", "business"],
  );
  assert.equal(PLANS[0].id, "business", "the list given is left as it was");
  assert.equal(planChange(PLANS, "free", "pro"), "upgrade");
  assert.equal(planChange(PLANS, "pro", "business"), "upgrade");
  assert.equal(planChange(PLANS, "business", "pro"), "downgrade");
  assert.equal(planChange(PLANS, "pro", "free"), "downgrade");
  assert.equal(planChange(PLANS, "pro", "pro"), "current");
  assert.equal(planName(PLANS, "business"), "Business");
  assert.equal(planName(null, "pro"), "Pro");
});

test("a plan's limits in words, with what happens beyond its minutes", () => {
  const pro = PLANS[2];
  assert.deepEqual(planFeatures(pro), [
    "1,200 audio minutes a month",
    "Recordings up to 4 hours long",
    "20 jobs at once",
    "No overage charges: new jobs wait for next month",
  ]);
  assert.equal(overageNote(PLANS[0]), "Beyond that, $0.01 a minute");
  assert.equal(formatFileLength(1800), "30 minutes");
  assert.equal(formatFileLength(60), "1 minute");
  assert.equal(formatFileLength(3600), "1 hour");
  assert.equal(formatFileLength(5400), "1 hour 30 minutes");
  assert.equal(formatFileLength(0), "—");
  assert.equal(formatMinutes(6000), "6,000");
  assert.equal(formatMinutes(12.345), "12.3");
});

test("the subscription's and invoices' statuses for people", () => {
  assert.deepEqual(subscriptionStatus("active"), { label: "Active", tone: "success" });
  assert.deepEqual(subscriptionStatus("past_due"), { label: "Payment overdue", tone: "warning" });
  assert.deepEqual(subscriptionStatus(null), { label: "No subscription", tone: "neutral" });
  assert.equal(subscriptionStatus("something_new").label, "something new");
  assert.deepEqual(invoiceStatus("paid"), { label: "Paid", tone: "success" });
  assert.equal(invoiceStatus("open").label, "Due");
  assert.equal(invoiceAmount({ status: "paid", amountDueCents: 1500, amountPaidCents: 1500 }), 1500);
  assert.equal(invoiceAmount({ status: "open", amountDueCents: 1500, amountPaidCents: 0 }), 1500);
});

test("the card on file and the renewal, in words", () => {
  assert.equal(describeCard({ brand: "visa", last4: "4242" }), "Visa ending in 4242");
  assert.equal(describeCard({ brand: "amex", last4: "0005" }), "American Express ending in 0005");
  assert.equal(describeCard({ brand: "cartes_bancaires", last4: "1111" }), "Cartes bancaires ending in 1111");
  assert.equal(cardExpiry({ expMonth: 3, expYear: 2034 }), "03/2034");
  const end = "2027-01-07T02:30:00Z";
  assert.match(renewalNote({ currentPeriodEnd: end, cancelAtPeriodEnd: false, status: "active" }) ?? "", /^Renews on .*2027/);
  assert.match(renewalNote({ currentPeriodEnd: end, cancelAtPeriodEnd: true, status: "active" }) ?? "", /^Ends on .*2027/);
  assert.equal(renewalNote({ currentPeriodEnd: null, cancelAtPeriodEnd: false, status: null }), null);
  assert.equal(renewalNote({ currentPeriodEnd: end, cancelAtPeriodEnd: false, status: "canceled" }), null);
  assert.match(renewalNote({ currentPeriodEnd: end, cancelAtPeriodEnd: true, status: "active", scheduledPlan: "pro" }) ?? "", /^Changes plan on .*2027/);
});

test("a move to a cheaper plan, scheduled for the period's end, in words", () => {
  const end = "2027-01-07T02:30:00Z";
  assert.equal(switchLabel({ name: "Pro" }), "Switch to Pro at the end of the period");
  assert.equal(
    scheduledMoveNote(PLANS, { plan: "business", scheduledPlan: "pro", currentPeriodEnd: end }),
    `Your plan moves to Pro on ${formatDate(end)}. Until then you keep Business.`,
  );
  assert.equal(
    scheduledMoveNote(null, { plan: "business", scheduledPlan: "pro", currentPeriodEnd: null }),
    "Your plan moves to Pro at the end of the period. Until then you keep Business.",
  );
  assert.equal(scheduledMoveNote(PLANS, { plan: "business", scheduledPlan: null, currentPeriodEnd: end }), null);
});

test("what Stripe.js hands back: the PaymentMethod's id, and its errors in words", () => {
  assert.equal(paymentMethodId({ payment_method: "pm_123" }), "pm_123");
  assert.equal(paymentMethodId({ payment_method: { id: "pm_456" } }), "pm_456");
  assert.equal(paymentMethodId({ payment_method: null }), null);
  assert.equal(paymentMethodId(undefined), null);
  assert.equal(stripeErrorMessage({ code: "card_declined", message: "Your card was declined." }), "Your card was declined.");
  // A script failure inside Stripe.js (the stand-in with empty fields) is not shown as it is.
  assert.equal(stripeErrorMessage(new TypeError("Cannot read properties of undefined (reading 'card')")), "The card could not be used. Check its details and try again.");
  assert.equal(stripeErrorMessage({ message: "  " }, "fallback"), "fallback");
  assert.equal(stripeErrorMessage(null, "fallback"), "fallback");
});

test("the countries: ISO 3166-1's 249 alpha-2 codes, each once, sorted by name", () => {
  assert.equal(COUNTRIES.length, 249);
  assert.equal(new Set(COUNTRIES.map((country) => country.code)).size, 249);
  assert.ok(COUNTRIES.every((country) => /^[A-Z]{2}$/.test(country.code) && country.name.length > 0));
  const names = COUNTRIES.map((country) => country.name);
  assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b, "en")));
  assert.ok(isCountryCode("US") && isCountryCode("GB") && isCountryCode("AX"));
  assert.ok(!isCountryCode("us") && !isCountryCode("USA") && !isCountryCode("UK") && !isCountryCode(""));
});

test("a billing address is checked as the API checks it, trimmed, with empty fields left out", () => {
  assert.deepEqual(checkBillingAddress(EMPTY_ADDRESS), { errors: { country: "Choose the country of your billing address." } });
  assert.deepEqual(checkBillingAddress({ ...EMPTY_ADDRESS, country: "us" }).errors, { country: "Choose a country from the list." });
  for (const country of ["US", "CA", "GB"]) {
    assert.deepEqual(checkBillingAddress({ ...EMPTY_ADDRESS, country, postalCode: "  " }).errors, { postalCode: "Enter your postal code." });
  }
  assert.deepEqual(checkBillingAddress({ ...EMPTY_ADDRESS, country: "DE" }), { address: { country: "DE" } });
  assert.deepEqual(checkBillingAddress({ country: "US", postalCode: " 94107 ", line1: " 1 Main St ", city: "" }), {
    address: { country: "US", postalCode: "94107", line1: "1 Main St" },
  });
  assert.deepEqual(checkBillingAddress({ country: "FR", postalCode: "", line1: "x".repeat(100), city: "y".repeat(101) }).errors, {
    city: "At most 100 characters.",
  });
  assert.deepEqual(checkBillingAddress({ country: "FR", postalCode: "75\u00001", line1: "a\tb", city: "Paris\u0085" }).errors, {
    postalCode: "Remove the tabs, line breaks or other control characters.",
    line1: "Remove the tabs, line breaks or other control characters.",
    city: "Remove the tabs, line breaks or other control characters.",
  });
});
