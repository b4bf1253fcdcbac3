// Stripe.js, loaded on demand from the URL the API names (Stripe's own, or the local stand-in),
// and the few of its calls the billing page makes. Card details go from Stripe's card element
// straight to Stripe; this app only ever sees the PaymentMethod's id.

/** An error as Stripe.js reports it (a declined card, a failed authentication, an invalid field). */
export interface StripeError {
  type?: string;
  code?: string;
  message?: string;
}

export interface StripeCardElement {
  mount(target: HTMLElement | string): void;
  destroy(): void;
  on(event: "change", handler: (event?: { complete?: boolean; empty?: boolean; error?: StripeError }) => void): void;
}

export interface StripeElements {
  create(type: "card", options?: Record<string, unknown>): StripeCardElement;
}

export interface StripeSetupIntent {
  id?: string;
  status?: string;
  /** An id, or the PaymentMethod itself when expanded. */
  payment_method?: string | { id: string } | null;
}

export interface StripeClient {
  elements(options?: Record<string, unknown>): StripeElements;
  confirmCardSetup(
    clientSecret: string,
    data: { payment_method: { card: StripeCardElement; billing_details?: Record<string, unknown> } },
  ): Promise<{ setupIntent?: StripeSetupIntent; error?: StripeError | Error | null }>;
  confirmCardPayment(clientSecret: string): Promise<{ paymentIntent?: { id?: string; status?: string }; error?: StripeError | Error | null }>;
}

export type StripeFactory = (publishableKey: string) => StripeClient;

type StripeWindow = Window & { Stripe?: StripeFactory };

const loads = new Map<string, Promise<StripeFactory>>();

/**
 * Stripe.js from `url`, with a `<script src>` added to the page once (every caller shares it; a
 * failed load can be tried again). A page that already has `Stripe` uses it.
 */
export function loadStripeJs(url: string, win: StripeWindow = window): Promise<StripeFactory> {
  if (typeof win.Stripe === "function") return Promise.resolve(win.Stripe);
  const pending = loads.get(url);
  if (pending) return pending;
  const load = new Promise<StripeFactory>((resolve, reject) => {
    const doc = win.document;
    const script = doc.createElement("script");
    script.src = url;
    script.async = true;
    script.dataset.stripeJs = "";
    const fail = () => {
      loads.delete(url);
      script.remove();
      reject(new Error("The payment form could not be loaded. Check your connection and try again."));
    };
    script.addEventListener("load", () => (typeof win.Stripe === "function" ? resolve(win.Stripe) : fail()));
    script.addEventListener("error", fail);
    doc.head.appendChild(script);
  });
  loads.set(url, load);
  return load;
}

const clients = new Map<string, StripeClient>();

/** One Stripe client per publishable key, made once Stripe.js is loaded. */
export async function stripeClient(jsUrl: string, publishableKey: string, win: StripeWindow = window): Promise<StripeClient> {
  const factory = await loadStripeJs(jsUrl, win);
  const key = `${jsUrl} ${publishableKey}`;
  let client = clients.get(key);
  if (!client) {
    client = factory(publishableKey);
    clients.set(key, client);
  }
  return client;
}

/** The PaymentMethod id a confirmed SetupIntent carries, or null. */
export function paymentMethodId(setupIntent: StripeSetupIntent | undefined): string | null {
  const method = setupIntent?.payment_method;
  if (!method) return null;
  return typeof method === "string" ? method : method.id ?? null;
}

/**
 * A sentence for what Stripe.js reported: Stripe's own message ("Your card was declined.") when it
 * gave one; a script failure inside Stripe.js (an incomplete form, say) gets a plain one instead.
 */
export function stripeErrorMessage(error: StripeError | Error | null | undefined, fallback = "The card could not be used. Check its details and try again."): string {
  if (!error) return fallback;
  if (error instanceof Error) return fallback;
  return typeof error.message === "string" && error.message.trim() ? error.message.trim() : fallback;
}

/** For tests: forgets loaded scripts and clients. */
export function resetStripeForTests(): void {
  loads.clear();
  clients.clear();
}
