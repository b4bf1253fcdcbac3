import "./support/dom";
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Me, User } from "../src/api/types";
import { renderApp } from "./support/app";
import { json, type Responder } from "./support/fetch";
import { byText, click, settle, type } from "./support/render";

const USER: User = { id: "usr_1", email: "ada@example.com", emailVerified: false, createdAt: "2026-03-01T00:00:00Z" };

function me(user: User = USER): Me {
  return {
    user,
    plan: "free",
    usage: { month: "2026-03", periodStart: "2026-03-01T00:00:00.000Z", periodEnd: "2026-04-01T00:00:00.000Z", audioSeconds: 660, jobs: 2 },
    limits: { monthlyAudioMinutes: 60, jobsInFlight: 2, maxUploadBytes: 500_000_000, maxFileSeconds: 7200 },
    webhookSecret: "whsec_abc",
    vocabulary: [],
    speech: { model: "whisper/tiny.en", languages: ["auto", "en"], translation: false },
  };
}

/** The whole app at `path`, signed in as an unverified USER, over a scripted API. */
function app(path: string, routes: Record<string, Responder>) {
  sessionStorage.clear();
  return renderApp(
    path,
    { "GET /v1/me": () => json(200, me()), "GET /v1/jobs": () => json(200, { jobs: [], nextCursor: null }), ...routes },
    USER,
  );
}

function field(container: HTMLElement, label: string): HTMLInputElement {
  const element = byText(container, "label", label);
  const input = document.getElementById(element.getAttribute("for")!) as HTMLInputElement | null;
  if (!input) throw new Error(`no control for ${label}`);
  return input;
}

function submitPasswordForm(container: HTMLElement, current: string, next: string, confirm: string): void {
  type(field(container, "Current password"), current);
  type(field(container, "New password"), next);
  type(field(container, "Confirm new password"), confirm);
  field(container, "Current password").form!.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
}

test("changing the password keeps this tab signed in with the new session", async () => {
  const view = app("/account", {
    "POST /v1/me/password": (call) => {
      assert.deepEqual(call.body, { currentPassword: "old passphrase", newPassword: "a new passphrase" });
      assert.equal(call.headers.authorization, "Bearer at_1");
      return json(200, { user: USER, accessToken: "at_new", expiresIn: 900 });
    },
  });
  await settle();
  assert.equal(view.container.querySelector("h2#password-heading")?.textContent?.trim(), "Password");
  assert.equal(view.container.textContent?.includes("Mail me a link"), false, "the mailed link is gone for signed-in users");
  submitPasswordForm(view.container, "old passphrase", "a new passphrase", "a new passphrase");
  await settle();
  const session = view.store.read();
  assert.equal(session?.accessToken, "at_new");
  const status = view.container.querySelector("[aria-live=polite] [role=status]");
  assert.match(status?.textContent ?? "", /Every other device was signed out; this one stays signed in/);
  assert.equal(field(view.container, "Current password").value, "", "the fields are emptied");
  assert.equal(window.location.pathname, "/account");
  view.unmount();
});

test("the password change can revoke every API key too", async () => {
  const view = app("/account", {
    "POST /v1/me/password": (call) => {
      assert.deepEqual(call.body, { currentPassword: "old passphrase", newPassword: "a new passphrase", revokeApiKeys: true });
      return json(200, { user: USER, accessToken: "at_new", expiresIn: 900 });
    },
  });
  await settle();
  const box = byText(view.container, "span", "Also revoke every API key (if one may have leaked)").parentElement!.querySelector("input")!;
  box.click();
  submitPasswordForm(view.container, "old passphrase", "a new passphrase", "a new passphrase");
  await settle();
  const status = view.container.querySelector("[aria-live=polite] [role=status]");
  assert.match(status?.textContent ?? "", /Every API key was revoked/);
  view.unmount();
});

test("the new passwords must match before anything is sent", async () => {
  const view = app("/account", { "POST /v1/me/password": () => json(500, {}) });
  await settle();
  submitPasswordForm(view.container, "old passphrase", "a new passphrase", "a new passphrasf");
  await settle();
  const confirm = field(view.container, "Confirm new password");
  assert.equal(confirm.getAttribute("aria-invalid"), "true");
  const error = document.getElementById(confirm.getAttribute("aria-describedby")!);
  assert.match(error?.textContent ?? "", /not the same/);
  assert.equal(view.calls.filter((call) => call.path === "/v1/me/password").length, 0);
  view.unmount();
});

test("a wrong current password and a weak new one show the API's messages", async () => {
  let answer = json(403, { error: { code: "wrong_password", message: "The current password is not right." } });
  const view = app("/account", { "POST /v1/me/password": () => answer });
  await settle();
  submitPasswordForm(view.container, "not it", "a new passphrase", "a new passphrase");
  await settle();
  assert.equal(view.container.querySelector(".field-error[role=alert]")?.textContent?.trim(), "The current password is not right.");
  assert.equal(field(view.container, "Current password").getAttribute("aria-invalid"), "true");
  assert.equal(view.store.read()?.accessToken, "at_1", "the session is kept");

  answer = json(400, { error: { code: "weak_password", message: "The password needs at least 10 characters." } });
  submitPasswordForm(view.container, "old passphrase", "short", "short");
  await settle();
  assert.equal(field(view.container, "New password").getAttribute("aria-invalid"), "true");
  assert.match(view.container.querySelector(".field-error[role=alert]")?.textContent ?? "", /at least 10 characters/);
  view.unmount();
});

test("the reminder mails the confirmation link again and says so", async () => {
  let sent = 0;
  const view = app("/", { "POST /v1/me/verification-email": () => ((sent += 1), new Response(null, { status: 202 })) });
  await settle();
  const banner = view.container.querySelector(".banner[role=status]")!;
  assert.match(banner.textContent ?? "", /Confirm your email address: we sent a link to ada@example.com/);
  click(byText(banner, "button", "Send the link again"));
  await settle();
  assert.equal(sent, 1);
  assert.match(banner.textContent ?? "", /Sent/);
  view.unmount();
});

test("a rate-limited resend shows the API's message; an already confirmed address hides the reminder", async () => {
  let answer = json(429, { error: { code: "rate_limited", message: "Too many confirmation mails. Try again in 40 minutes." } }, { "Retry-After": "2400" });
  const view = app("/", { "POST /v1/me/verification-email": () => answer });
  await settle();
  click(byText(view.container, "button", "Send the link again"));
  await settle();
  assert.match(view.container.querySelector(".banner")?.textContent ?? "", /Too many confirmation mails/);

  answer = json(409, { error: { code: "already_verified", message: "The address is confirmed already." } });
  click(byText(view.container, "button", "Send the link again"));
  await settle();
  assert.equal(view.container.querySelector(".banner"), null);
  assert.equal(view.store.read()?.user.emailVerified, true);
  view.unmount();
});
