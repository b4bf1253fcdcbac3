import "./support/dom";
import assert from "node:assert/strict";
import { test } from "node:test";
import { act } from "react-dom/test-utils";
import type { Billing, Invoice, Me, Plan, User } from "../src/api/types";
import { formatDate } from "../src/lib/format";
import { loadStripeJs, resetStripeForTests, type StripeFactory } from "../src/lib/stripe";
import { renderApp } from "./support/app";
import { json, type Call, type Responder } from "./support/fetch";
import { byLabel, byText, choose, click, settle, type } from "./support/render";

const USER: User = { id: "usr_1", email: "ada@example.com", emailVerified: true, createdAt: "2026-03-01T00:00:00Z" };
const JS_URL = "http://127.0.0.1:8420/js.stripe.com/v3/";

const PLANS: Plan[] = [
  { id: "free", name: "Free", priceCents: 0, currency: "usd", interval: "month", monthlyMinutes: 60, maxFileSeconds: 1800, jobsInFlight: 3, overageCentsPerMinute: null },
  { id: "pro", name: "Pro", priceCents: 1500, currency: "usd", interval: "month", monthlyMinutes: 1200, maxFileSeconds: 14400, jobsInFlight: 20, overageCentsPerMinute: null },
  { id: "business", name: "Business", priceCents: 6000, currency: "usd", interval: "month", monthlyMinutes: 6000, maxFileSeconds: 14400, jobsInFlight: 50, overageCentsPerMinute: 1 },
];

function billing(fields: Partial<Billing> = {}): Billing {
  return {
    plan: "free",
    status: null,
    currentPeriodEnd: null,
    cancelAtPeriodEnd: false,
    scheduledPlan: null,
    paymentMethod: null,
    usage: { minutesUsed: 12.5, minutesIncluded: 60 },
    stripe: { publishableKey: "pk_test_local", jsUrl: JS_URL },
    ...fields,
  };
}

const PRO: Billing = billing({
  plan: "pro",
  status: "active",
  currentPeriodEnd: "2027-01-07T02:30:00Z",
  paymentMethod: { brand: "visa", last4: "4242", expMonth: 12, expYear: 2034 },
  usage: { minutesUsed: 12.5, minutesIncluded: 1200 },
});

const BUSINESS: Billing = { ...PRO, plan: "business", usage: { minutesUsed: 12.5, minutesIncluded: 6000 } };

/** Business with a move to Pro at the period's end, as the API answers once it is scheduled. */
const BUSINESS_TO_PRO: Billing = { ...BUSINESS, cancelAtPeriodEnd: true, scheduledPlan: "pro" };

const PAID: Invoice = {
  id: "in_1",
  number: null,
  status: "paid",
  amountDueCents: 1500,
  amountPaidCents: 1500,
  currency: "usd",
  periodStart: "2026-12-07T02:30:00Z",
  periodEnd: "2027-01-07T02:30:00Z",
  createdAt: "2026-12-07T02:30:00Z",
  hostedUrl: null,
  lines: [{ description: "Pro", amountCents: 1500 }],
};

function me(plan = "free"): Me {
  return {
    user: USER,
    plan,
    usage: { month: "2026-12", periodStart: "2026-12-01T00:00:00.000Z", periodEnd: "2027-01-01T00:00:00.000Z", audioSeconds: 750, jobs: 1 },
    limits: { monthlyAudioMinutes: 60, jobsInFlight: 3, maxUploadBytes: 500_000_000, maxFileSeconds: 1800 },
    webhookSecret: "whsec_abc",
    vocabulary: [],
    speech: { model: "whisper/tiny.en", languages: ["auto", "en"], translation: false },
  };
}

/** A stand-in for Stripe.js: a card element of five inputs, and scripted confirmations. */
function fakeStripe(script: {
  setup?: () => { setupIntent?: { payment_method: string }; error?: { message: string; code?: string } };
  payment?: () => { paymentIntent?: { status: string }; error?: { message: string } };
}) {
  const seen = { keys: [] as string[], setups: [] as string[], payments: [] as string[], mounted: 0, destroyed: 0 };
  const factory: StripeFactory = (key) => {
    seen.keys.push(key);
    return {
      elements: () => ({
        create: () => {
          const inputs: HTMLInputElement[] = [];
          return {
            mount: (target) => {
              const host = typeof target === "string" ? document.querySelector<HTMLElement>(target)! : target;
              for (const name of ["number", "exp_month", "exp_year", "cvc", "postal_code"]) {
                const input = document.createElement("input");
                input.placeholder = name;
                host.appendChild(input);
                inputs.push(input);
              }
              seen.mounted += 1;
            },
            destroy: () => {
              inputs.forEach((input) => input.remove());
              seen.destroyed += 1;
            },
            on: () => undefined,
          };
        },
      }),
      confirmCardSetup: async (secret) => {
        seen.setups.push(secret);
        return script.setup ? script.setup() : { setupIntent: { payment_method: "pm_card_1" } };
      },
      confirmCardPayment: async (secret) => {
        seen.payments.push(secret);
        return script.payment ? script.payment() : { paymentIntent: { status: "succeeded" } };
      },
    };
  };
  return { factory, seen };
}

function app(path: string, routes: Record<string, Responder>, stripe?: StripeFactory, user: User | null = USER) {
  resetStripeForTests();
  (window as Window & { Stripe?: StripeFactory }).Stripe = stripe;
  return renderApp(
    path,
    {
      "GET /v1/me": () => json(200, me()),
      "GET /v1/billing/plans": () => json(200, { plans: PLANS }),
      "GET /v1/billing": () => json(200, billing()),
      "GET /v1/billing/invoices": () => json(200, { invoices: [] }),
      ...routes,
    },
    user,
  );
}

function submit(form: HTMLFormElement): void {
  act(() => {
    form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
  });
}

interface AddressTyped {
  country?: string;
  postalCode?: string;
  line1?: string;
  city?: string;
}

/** Fills the card form's billing address: the fields given, the others left as they are. */
function fillAddress(container: HTMLElement, address: AddressTyped): void {
  if (address.country !== undefined) choose(byLabel<HTMLSelectElement>(container, "Country"), address.country);
  if (address.postalCode !== undefined) type(byLabel(container, "Postal code"), address.postalCode);
  if (address.line1 !== undefined) type(byLabel(container, "Address line 1"), address.line1);
  if (address.city !== undefined) type(byLabel(container, "City"), address.city);
}

/** Sends the card form for Pro, with a US billing address unless told otherwise (null: as it is). */
function submitCardForm(container: HTMLElement, address: AddressTyped | null = { country: "US", postalCode: "94107" }): void {
  if (address) fillAddress(container, address);
  submit(byText(container, "button", "Subscribe to Pro").closest("form")!);
}

function noCardNumbersSent(calls: Call[]): void {
  for (const call of calls) assert.ok(!JSON.stringify(call.body ?? "").includes("4242424242424242"), `${call.method} ${call.path} carried a card number`);
}

test("the pricing page, signed out: the plans side by side, each leading to sign-up", async () => {
  const view = app("/pricing", {}, undefined, null);
  await settle();
  assert.equal(view.container.querySelector("h1")?.textContent, "Plans and pricing");
  const plans = [...view.container.querySelectorAll<HTMLElement>("[data-plan]")];
  assert.deepEqual(
    plans.map((plan) => plan.dataset.plan),
    ["free", "pro", "business"],
  );
  const pro = plans[1];
  assert.match(pro.textContent ?? "", /\$15 a month/);
  assert.match(pro.textContent ?? "", /1,200 audio minutes a month/);
  assert.match(pro.textContent ?? "", /Recordings up to 4 hours long/);
  assert.match(pro.textContent ?? "", /20 jobs at once/);
  assert.match(plans[2].textContent ?? "", /Beyond that, \$0\.01 a minute/);
  assert.equal(byText(pro, "a", "Sign up for Pro").getAttribute("href"), `/signup?next=${encodeURIComponent("/billing?plan=pro")}`);
  assert.ok(view.container.querySelector(".topbar a[href='/login']"), "the header has the way in");
  assert.ok(!view.calls.some((call) => call.path === "/v1/me"), "nothing signed-in is asked");
  view.unmount();
});

test("the pricing page, signed in: the current plan marked, the others to upgrade or downgrade to", async () => {
  const view = app("/pricing", { "GET /v1/me": () => json(200, me("pro")) });
  await settle();
  const pro = view.container.querySelector<HTMLElement>("[data-plan=pro]")!;
  assert.ok(pro.classList.contains("plan-current"));
  assert.match(pro.textContent ?? "", /Your plan/);
  assert.equal(byText(pro, "a", "Manage your plan").getAttribute("href"), "/billing");
  assert.equal(byText(view.container, "a", "Upgrade to Business").getAttribute("href"), "/billing?plan=business");
  assert.equal(byText(view.container, "a", "Downgrade to Free").getAttribute("href"), "/billing?plan=free");
  assert.equal(view.container.querySelector("[data-plan=pro] a[href='/billing?plan=free']"), null);
  const nav = view.container.querySelector("nav[aria-label=Main]")!;
  assert.equal(byText(nav, "a", "Pricing").getAttribute("aria-current"), "page");
  assert.ok(byText(nav, "a", "Billing"));
  view.unmount();
});

test("the pricing page, on Business: the cheaper paid plan says it starts at the end of the period", async () => {
  const view = app("/pricing", { "GET /v1/me": () => json(200, me("business")) });
  await settle();
  const pro = view.container.querySelector<HTMLElement>("[data-plan=pro]")!;
  assert.equal(byText(pro, "a", "Switch to Pro at the end of the period").getAttribute("href"), "/billing?plan=pro");
  assert.ok(byText(view.container, "[data-plan=free] a", "Downgrade to Free"), "moving to Free is still cancelling");
  assert.ok(byText(view.container, "[data-plan=business] a", "Manage your plan"));
  view.unmount();
});

test("subscribing: Stripe.js confirms the card, only the PaymentMethod's id reaches the API, the plan shows", async () => {
  const stripe = fakeStripe({});
  let subscribed = false;
  const view = app(
    "/billing?plan=pro",
    {
      "GET /v1/billing": () => json(200, subscribed ? PRO : billing()),
      "GET /v1/billing/invoices": () => json(200, { invoices: subscribed ? [PAID] : [] }),
      "POST /v1/billing/setup-intent": () => json(201, { clientSecret: "seti_1_secret_x" }),
      "POST /v1/billing/subscription": (call) => {
        assert.deepEqual(call.body, { planId: "pro", paymentMethodId: "pm_card_1", billingAddress: { country: "US", postalCode: "94107" } });
        subscribed = true;
        return json(200, PRO);
      },
    },
    stripe.factory,
  );
  await settle();
  assert.equal(view.container.querySelector(".subscribe h2")?.textContent, "Subscribe to Pro");
  assert.equal(stripe.seen.keys[0], "pk_test_local");
  const number = view.container.querySelector<HTMLInputElement>("[data-testid=card-element] input[placeholder=number]")!;
  assert.equal(number.getAttribute("aria-label"), "Card number", "the stand-in's fields are labelled");
  type(number, "4242424242424242");
  submitCardForm(view.container);
  await settle(10);
  assert.deepEqual(stripe.seen.setups, ["seti_1_secret_x"]);
  assert.equal(view.container.querySelector("[data-testid=billing-plan]")?.textContent, "Pro");
  assert.match(view.container.querySelector(".alert-success")?.textContent ?? "", /You are on Pro now/);
  assert.equal(window.location.pathname + window.location.search, "/billing");
  assert.equal(view.container.querySelector(".subscribe"), null, "the card form is gone");
  assert.equal(stripe.seen.destroyed, 1, "Stripe's element is taken down with it");
  const row = view.container.querySelector("table.invoices tbody tr")!;
  assert.match(row.textContent ?? "", /\$15\.00/);
  assert.equal(row.querySelector("[data-status]")?.textContent, "Paid");
  assert.match(view.container.querySelector("[data-testid=billing-card]")?.textContent ?? "", /Visa ending in 4242/);
  assert.match(view.container.textContent ?? "", /Renews on/);
  noCardNumbersSent(view.calls);
  view.unmount();
});

test("the card form asks for a billing address, labelled for autofill, and sends it with the subscription", async () => {
  const view = app(
    "/billing?plan=pro",
    {
      "GET /v1/billing": () => json(200, billing()),
      "POST /v1/billing/setup-intent": () => json(201, { clientSecret: "seti_a_secret_x" }),
      "POST /v1/billing/subscription": () => json(200, PRO),
    },
    fakeStripe({}).factory,
  );
  await settle();
  const group = view.container.querySelector<HTMLFieldSetElement>(".subscribe fieldset.billing-address")!;
  assert.equal(group.querySelector("legend")?.textContent, "Billing address");
  const country = byLabel<HTMLSelectElement>(group, "Country");
  assert.equal(country.tagName, "SELECT");
  assert.equal(country.getAttribute("autocomplete"), "country");
  assert.equal(country.getAttribute("aria-required"), "true");
  assert.equal(country.value, "", "no country chosen at first");
  const options = [...country.options];
  assert.equal(options[0].textContent, "Choose a country");
  assert.equal(options.length, 250, "the 249 countries of ISO 3166-1 and the placeholder");
  const names = options.slice(1).map((option) => option.textContent ?? "");
  assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b, "en")), "sorted by name");
  assert.ok(options.some((option) => option.value === "DE" && option.textContent === "Germany"));
  assert.equal(byLabel(group, "Postal code").getAttribute("autocomplete"), "postal-code");
  assert.equal(byLabel(group, "Address line 1").getAttribute("autocomplete"), "address-line1");
  assert.equal(byLabel(group, "City").getAttribute("autocomplete"), "address-level2");
  for (const label of ["Postal code", "Address line 1", "City"]) assert.equal(byLabel(group, label).maxLength, 100);
  // The postal code is asked for in the US, Canada and the UK only.
  fillAddress(view.container, { country: "FR" });
  assert.match(group.querySelector(`label[for="${byLabel(group, "Postal code").id}"]`)?.textContent ?? "", /\(optional\)/);
  fillAddress(view.container, { country: "GB" });
  assert.ok(!/\(optional\)/.test(group.querySelector(`label[for="${byLabel(group, "Postal code").id}"]`)?.textContent ?? ""));
  assert.equal(byLabel(group, "Postal code").getAttribute("aria-required"), "true");

  submitCardForm(view.container, { postalCode: " SW1A 1AA ", line1: "10 Downing Street", city: "London" });
  await settle(10);
  const sent = view.calls.find((call) => call.method === "POST" && call.path === "/v1/billing/subscription");
  assert.deepEqual(sent?.body, {
    planId: "pro",
    paymentMethodId: "pm_card_1",
    billingAddress: { country: "GB", postalCode: "SW1A 1AA", line1: "10 Downing Street", city: "London" },
  });
  assert.equal(view.container.querySelector("[data-testid=billing-plan]")?.textContent, "Pro");
  view.unmount();
});

test("a missing country, or a US address without its postal code, is refused before anything is sent", async () => {
  const stripe = fakeStripe({});
  const view = app(
    "/billing?plan=pro",
    {
      "POST /v1/billing/setup-intent": () => json(201, { clientSecret: "seti_b_secret_x" }),
      "POST /v1/billing/subscription": () => json(200, PRO),
    },
    stripe.factory,
  );
  await settle();
  const sentSoFar = () => view.calls.filter((call) => call.method !== "GET");
  type(byLabel(view.container, "City"), "Berlin");
  submitCardForm(view.container, null);
  await settle();
  assert.deepEqual(sentSoFar(), [], "neither the SetupIntent nor the subscription is asked for");
  assert.deepEqual(stripe.seen.setups, [], "the card is not sent to Stripe");
  const country = byLabel<HTMLSelectElement>(view.container, "Country");
  assert.equal(country.getAttribute("aria-invalid"), "true");
  const message = document.getElementById(country.getAttribute("aria-describedby") ?? "");
  assert.match(message?.textContent ?? "", /Choose the country of your billing address\./);
  assert.equal(message?.getAttribute("role"), "alert");
  assert.equal(document.activeElement, country, "the field to fix has the focus");

  fillAddress(view.container, { country: "US" });
  assert.equal(country.getAttribute("aria-invalid"), null, "choosing clears the error");
  submitCardForm(view.container, null);
  await settle();
  assert.deepEqual(sentSoFar(), []);
  const postal = byLabel(view.container, "Postal code");
  assert.equal(postal.getAttribute("aria-invalid"), "true");
  assert.match(document.getElementById(postal.getAttribute("aria-describedby") ?? "")?.textContent ?? "", /Enter your postal code\./);
  assert.equal(document.activeElement, postal);

  // Elsewhere the postal code may be left out; empty fields are not sent.
  submitCardForm(view.container, { country: "DE" });
  await settle(10);
  assert.deepEqual(
    sentSoFar().map((call) => `${call.method} ${call.path}`),
    ["POST /v1/billing/setup-intent", "POST /v1/billing/subscription"],
  );
  assert.deepEqual(sentSoFar()[1].body, { planId: "pro", paymentMethodId: "pm_card_1", billingAddress: { country: "DE", city: "Berlin" } });
  view.unmount();
});

test("an address field over 100 characters is refused before anything is sent", async () => {
  const view = app("/billing?plan=pro", { "POST /v1/billing/setup-intent": () => json(201, { clientSecret: "seti_c_secret_x" }) }, fakeStripe({}).factory);
  await settle();
  // The inputs stop at 100 characters; a value set by script (an autofill, say) is checked all the same.
  const line1 = byLabel(view.container, "Address line 1");
  line1.removeAttribute("maxlength");
  submitCardForm(view.container, { country: "US", postalCode: "94107", line1: "x".repeat(101) });
  await settle();
  assert.ok(!view.calls.some((call) => call.method === "POST"));
  assert.equal(line1.getAttribute("aria-invalid"), "true");
  assert.match(document.getElementById(line1.getAttribute("aria-describedby") ?? "")?.textContent ?? "", /At most 100 characters\./);
  view.unmount();
});

test("an address the API refuses shows its message, and the plan stays as it was", async () => {
  const view = app(
    "/billing?plan=pro",
    {
      "POST /v1/billing/setup-intent": () => json(201, { clientSecret: "seti_d_secret_x" }),
      "POST /v1/billing/subscription": () =>
        json(400, { error: { code: "invalid_request", message: "billingAddress.country must be an ISO 3166-1 alpha-2 code (two uppercase letters)." } }),
    },
    fakeStripe({}).factory,
  );
  await settle();
  submitCardForm(view.container);
  await settle(10);
  const alert = view.container.querySelector(".subscribe [role=alert]");
  assert.match(alert?.textContent ?? "", /Your plan did not change/);
  assert.match(alert?.textContent ?? "", /billingAddress\.country must be an ISO 3166-1 alpha-2 code \(two uppercase letters\)\./);
  assert.equal(view.container.querySelector("[data-testid=billing-plan]")?.textContent, "Free");
  assert.ok(!(byText(view.container, "button", "Subscribe to Pro") as HTMLButtonElement).disabled, "it can be sent again");
  assert.equal(byLabel<HTMLSelectElement>(view.container, "Country").value, "US", "the address is kept");
  view.unmount();
});

test("a declined card shows Stripe's reason and leaves the plan as it was", async () => {
  const view = app(
    "/billing?plan=pro",
    {
      "POST /v1/billing/setup-intent": () => json(201, { clientSecret: "seti_2_secret_x" }),
      "POST /v1/billing/subscription": () => json(402, { error: { code: "card_declined", message: "Your card was declined." } }),
    },
    fakeStripe({ setup: () => ({ setupIntent: { payment_method: "pm_declined" } }) }).factory,
  );
  await settle();
  submitCardForm(view.container);
  await settle(10);
  const alert = view.container.querySelector(".subscribe [role=alert]");
  assert.match(alert?.textContent ?? "", /Your card was declined\./);
  assert.equal(alert?.querySelector("a[href='/pricing']"), null, "a declined card is not a plan's limit");
  assert.equal(view.container.querySelector("[data-testid=billing-plan]")?.textContent, "Free");
  assert.ok(!(byText(view.container, "button", "Subscribe to Pro") as HTMLButtonElement).disabled, "it can be tried again");
  view.unmount();
});

test("Stripe.js's own refusal (confirmCardSetup) is shown, and no subscription is asked for", async () => {
  const view = app(
    "/billing?plan=pro",
    { "POST /v1/billing/setup-intent": () => json(201, { clientSecret: "seti_3_secret_x" }) },
    fakeStripe({ setup: () => ({ error: { code: "card_declined", message: "Your card was declined." } }) }).factory,
  );
  await settle();
  submitCardForm(view.container);
  await settle(10);
  assert.match(view.container.querySelector(".subscribe [role=alert]")?.textContent ?? "", /Your card was declined\./);
  assert.ok(!view.calls.some((call) => call.path === "/v1/billing/subscription"));
  view.unmount();
});

test("a card that needs authentication goes through confirmCardPayment, then the billing is read again", async () => {
  let authenticated = false;
  const stripe = fakeStripe({
    payment: () => {
      authenticated = true; // The cardholder confirmed in Stripe's dialog.
      return { paymentIntent: { status: "succeeded" } };
    },
  });
  const view = app(
    "/billing?plan=pro",
    {
      "GET /v1/billing": () => json(200, authenticated ? PRO : billing()),
      "POST /v1/billing/setup-intent": () => json(201, { clientSecret: "seti_4_secret_x" }),
      "POST /v1/billing/subscription": () => json(202, { requiresAction: true, clientSecret: "pi_4_secret_y" }),
    },
    stripe.factory,
  );
  await settle();
  submitCardForm(view.container);
  await settle(12);
  assert.deepEqual(stripe.seen.payments, ["pi_4_secret_y"]);
  const billingReads = view.calls.filter((call) => call.method === "GET" && call.path === "/v1/billing").length;
  assert.equal(billingReads, 2, "read again after the authentication");
  assert.equal(view.container.querySelector("[data-testid=billing-plan]")?.textContent, "Pro");
  assert.match(view.container.querySelector(".alert-success")?.textContent ?? "", /You are on Pro now/);
  view.unmount();
});

test("a failed authentication says the plan did not change", async () => {
  const view = app(
    "/billing?plan=pro",
    {
      "POST /v1/billing/setup-intent": () => json(201, { clientSecret: "seti_5_secret_x" }),
      "POST /v1/billing/subscription": () => json(202, { requiresAction: true, clientSecret: "pi_5_secret_y" }),
    },
    fakeStripe({ payment: () => ({ paymentIntent: { status: "requires_payment_method" } }) }).factory,
  );
  await settle();
  submitCardForm(view.container);
  await settle(12);
  assert.match(view.container.querySelector(".subscribe [role=alert]")?.textContent ?? "", /not confirmed, so your plan did not change/);
  assert.equal(view.container.querySelector("[data-testid=billing-plan]")?.textContent, "Free");
  view.unmount();
});

test("cancelling asks first and then shows the end date; resuming shows the renewal again", async () => {
  const view = app("/billing", {
    "GET /v1/billing": () => json(200, PRO),
    "DELETE /v1/billing/subscription": () => json(200, { ...PRO, cancelAtPeriodEnd: true }),
    "POST /v1/billing/subscription/resume": () => json(200, PRO),
  });
  await settle();
  assert.match(view.container.textContent ?? "", /Renews on/);
  const meter = view.container.querySelector("[role=meter]")!;
  assert.equal(meter.getAttribute("aria-valuemax"), "1200");
  assert.equal((meter.querySelector(".progress-fill") as HTMLElement).style.width, `${(12.5 / 1200) * 100}%`);
  click(byText(view.container, "button", "Cancel subscription…"));
  const dialog = document.querySelector<HTMLElement>("[role=dialog]")!;
  assert.match(dialog.textContent ?? "", /You keep Pro until/);
  assert.ok(!view.calls.some((call) => call.method === "DELETE"), "nothing is cancelled before confirming");
  click(byText(dialog, "button", "Cancel subscription"));
  await settle();
  assert.equal(document.querySelector("[role=dialog]"), null);
  assert.match(view.container.textContent ?? "", /Ends on/);
  assert.match(view.container.querySelector(".alert-warning")?.textContent ?? "", /moves to Free/);
  click(byText(view.container, ".billing-actions button", "Resume subscription"));
  await settle();
  assert.match(view.container.textContent ?? "", /Renews on/);
  assert.deepEqual(
    view.calls.filter((call) => call.method !== "GET").map((call) => `${call.method} ${call.path}`),
    ["DELETE /v1/billing/subscription", "POST /v1/billing/subscription/resume"],
  );
  view.unmount();
});

test("moving between paid plans can use the card on file, without Stripe.js", async () => {
  const view = app("/billing?plan=business", {
    "GET /v1/billing": () => json(200, PRO),
    "POST /v1/billing/subscription": (call) => {
      assert.deepEqual(call.body, { planId: "business" });
      return json(200, { ...PRO, plan: "business" });
    },
  });
  await settle();
  assert.equal(view.container.querySelector(".subscribe h2")?.textContent, "Upgrade to Business");
  assert.equal(view.container.querySelector("[data-testid=card-element]"), null, "the card on file is chosen");
  assert.equal(view.container.querySelector("select[autocomplete=country]"), null, "no billing address without a new card");
  submit(byText(view.container, "button", "Upgrade to Business").closest("form")!);
  await settle(10);
  assert.equal(view.container.querySelector("[data-testid=billing-plan]")?.textContent, "Business");
  view.unmount();
});

test("switching to a cheaper plan says first that it waits for the period's end, then that it is scheduled", async () => {
  const end = formatDate(BUSINESS.currentPeriodEnd!);
  let switched = false;
  const view = app("/billing?plan=pro", {
    "GET /v1/billing": () => json(200, switched ? BUSINESS_TO_PRO : BUSINESS),
    "POST /v1/billing/subscription": (call) => {
      assert.deepEqual(call.body, { planId: "pro" });
      switched = true;
      return json(200, BUSINESS_TO_PRO);
    },
  });
  await settle();
  const panel = view.container.querySelector<HTMLElement>(".subscribe")!;
  assert.equal(panel.querySelector("h2")?.textContent, "Switch to Pro at the end of the period");
  assert.ok((panel.textContent ?? "").includes(`The switch happens at the end of the period, on ${end}; until then you keep Business.`));
  assert.ok(!/applies at once/.test(panel.textContent ?? ""));
  submit(byText(panel, "button", "Switch to Pro at the end of the period").closest("form")!);
  await settle(10);
  const success = view.container.querySelector<HTMLElement>(".alert-success")!;
  assert.equal(success.querySelector(".alert-title")?.textContent, "Switch scheduled");
  assert.ok((success.textContent ?? "").includes(`scheduled for the end of the period, on ${end}. Your plan has not changed yet: you keep Business until then.`));
  assert.ok(!/You are on Pro now/.test(view.container.textContent ?? ""));
  assert.equal(view.container.querySelector("[data-testid=billing-plan]")?.textContent, "Business", "the plan stays until the period's end");
  assert.equal(view.container.querySelector("[data-testid=billing-scheduled]")?.textContent, `Your plan moves to Pro on ${end}. Until then you keep Business.`);
  assert.equal(view.container.querySelector(".subscribe"), null, "the form is gone");
  assert.equal(window.location.pathname + window.location.search, "/billing");
  view.unmount();
});

test("a refused switch shows the server's message and leaves the plan as it was", async () => {
  const view = app("/billing?plan=pro", {
    "GET /v1/billing": () => json(200, BUSINESS),
    "POST /v1/billing/subscription": () => json(409, { error: { code: "downgrade_unavailable", message: "Your plan cannot change while an invoice is open." } }),
  });
  await settle();
  submit(byText(view.container, "button", "Switch to Pro at the end of the period").closest("form")!);
  await settle(10);
  const alert = view.container.querySelector(".subscribe [role=alert]");
  assert.match(alert?.textContent ?? "", /Your plan did not change/);
  assert.match(alert?.textContent ?? "", /Your plan cannot change while an invoice is open\./);
  assert.equal(view.container.querySelector("[data-testid=billing-plan]")?.textContent, "Business");
  view.unmount();
});

test("a scheduled move says when and to what, instead of a cancellation, and keeping the plan resumes", async () => {
  const end = formatDate(BUSINESS.currentPeriodEnd!);
  const view = app("/billing", {
    "GET /v1/billing": () => json(200, BUSINESS_TO_PRO),
    "POST /v1/billing/subscription/resume": () => json(200, BUSINESS),
  });
  await settle();
  const note = view.container.querySelector<HTMLElement>("[data-testid=billing-scheduled]")!;
  assert.equal(note.textContent, `Your plan moves to Pro on ${end}. Until then you keep Business.`);
  const alert = note.closest<HTMLElement>(".alert")!;
  assert.ok(alert.classList.contains("alert-info"));
  assert.ok(!/plan ends on|moves to Free|Resume subscription/.test(view.container.textContent ?? ""), "not shown as a cancellation");
  assert.equal(view.container.querySelector("[data-testid=billing-period-end]")?.previousElementSibling?.textContent, "Moves to Pro on");
  assert.ok(byText(view.container, ".billing-actions button", "Cancel subscription…"), "cancelling is still possible");
  assert.ok(byText(view.container, ".billing-actions button", "Keep Business"));
  click(byText(alert, "button", "Keep Business"));
  await settle();
  assert.deepEqual(
    view.calls.filter((call) => call.method !== "GET").map((call) => `${call.method} ${call.path}`),
    ["POST /v1/billing/subscription/resume"],
  );
  assert.equal(view.container.querySelector("[data-testid=billing-scheduled]"), null);
  assert.match(view.container.textContent ?? "", /Renews on/);
  assert.match(document.body.textContent ?? "", /You keep Business\./);
  assert.equal(view.container.querySelector("[data-testid=billing-plan]")?.textContent, "Business");
  view.unmount();
});

test("cancelling while a move is scheduled drops it: the plan ends and the account goes to Free", async () => {
  const view = app("/billing", {
    "GET /v1/billing": () => json(200, BUSINESS_TO_PRO),
    "DELETE /v1/billing/subscription": () => json(200, { ...BUSINESS, cancelAtPeriodEnd: true }),
  });
  await settle();
  click(byText(view.container, "button", "Cancel subscription…"));
  const dialog = document.querySelector<HTMLElement>("[role=dialog]")!;
  assert.match(dialog.textContent ?? "", /moves to Free .*, instead of the scheduled switch to Pro\./);
  click(byText(dialog, "button", "Cancel subscription"));
  await settle();
  assert.equal(view.container.querySelector("[data-testid=billing-scheduled]"), null);
  assert.match(view.container.querySelector(".alert-warning")?.textContent ?? "", /Business plan ends on.*moves to Free/);
  assert.ok(byText(view.container, ".billing-actions button", "Resume subscription"));
  view.unmount();
});

test("a 402 from job creation links to the plans", async () => {
  const view = app("/new", {
    "POST /v1/jobs": () => json(402, { error: { code: "quota_exceeded", message: "This month's 60 audio minutes are used up." } }),
  });
  await settle();
  click(byText(view.container, "label", "Paste a link").querySelector("input")!);
  await settle();
  const url = view.container.querySelector<HTMLInputElement>("input[type=url]")!;
  type(url, "https://example.com/talk.mp3");
  submit(url.form!);
  await settle(10);
  const alert = view.container.querySelector("[role=alert]")!;
  assert.match(alert.textContent ?? "", /used up/);
  assert.equal(alert.querySelector("a")?.getAttribute("href"), "/pricing");
  view.unmount();
});

test("Stripe.js is loaded with one script, however many ask", async () => {
  resetStripeForTests();
  const win = window as Window & { Stripe?: StripeFactory };
  win.Stripe = undefined;
  document.querySelectorAll("script[data-stripe-js]").forEach((script) => script.remove());
  const first = loadStripeJs(JS_URL);
  const second = loadStripeJs(JS_URL);
  const scripts = document.querySelectorAll<HTMLScriptElement>("script[data-stripe-js]");
  assert.equal(scripts.length, 1);
  assert.equal(scripts[0].src, JS_URL);
  const factory = fakeStripe({}).factory;
  win.Stripe = factory;
  scripts[0].dispatchEvent(new Event("load"));
  assert.equal(await first, factory);
  assert.equal(await second, factory);

  // A failed load can be tried again.
  resetStripeForTests();
  win.Stripe = undefined;
  document.querySelectorAll("script[data-stripe-js]").forEach((script) => script.remove());
  const failing = loadStripeJs(JS_URL);
  document.querySelector("script[data-stripe-js]")!.dispatchEvent(new Event("error"));
  await assert.rejects(failing, /could not be loaded/);
  assert.equal(document.querySelectorAll("script[data-stripe-js]").length, 0);
  void loadStripeJs(JS_URL);
  assert.equal(document.querySelectorAll("script[data-stripe-js]").length, 1);
});
