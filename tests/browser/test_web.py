"""The web app in a real browser, end to end against the emulator.

The tests run in this order and share one browser and one first user: sign up and a whole job
from upload to a downloaded SRT, a link, a file that is not media, the dashboard, API keys, the
account, mail flows through the local outbox, a password change, then a second user; then billing
through the emulator's local Stripe (its Stripe.js stand-in), each test with a user of its own.
"""

from __future__ import annotations

import re
import time
import uuid

from conftest import JFK, PASSWORD, Browser
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

RUN = uuid.uuid4().hex[:8]
FIRST = f"first-{RUN}@example.com"
SECOND = f"second-{RUN}@example.com"
THIRD = f"third-{RUN}@example.com"
NEW_PASSWORD = "another long passphrase"
STATE: dict[str, str] = {}
DONE_TIMEOUT = 90  # A job on jfk.wav takes a few seconds; a cold function pool more.


def job_id_from_path(browser: Browser) -> str:
    return browser.wait_path("/jobs/").split("/jobs/")[1]


def follow_job_to_the_end(browser: Browser) -> list[str]:
    """Watches the job page's status badge until the job is done or failed; returns the statuses seen."""
    seen: list[str] = []
    deadline = time.monotonic() + DONE_TIMEOUT
    while time.monotonic() < deadline:
        badges = browser.finds("main .job-facts [data-status]")
        status = badges[0].get_attribute("data-status") if badges else None
        if status and (not seen or seen[-1] != status):
            seen.append(status)
        if status in ("done", "failed"):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"the job did not finish in {DONE_TIMEOUT} s (statuses seen: {seen})")


def highlighted_word(browser: Browser) -> tuple[str, float] | None:
    found = browser.driver.execute_script(
        "const w = document.querySelector('.word.is-active'); return w ? [w.textContent, Number(w.dataset.start)] : null"
    )
    return (found[0], found[1]) if found else None


def set_time(browser: Browser, seconds: float) -> None:
    browser.driver.execute_script("const a = document.querySelector('audio'); a.pause(); a.currentTime = arguments[0];", seconds)


def test_signup_upload_progress_transcript_playback_and_srt(browser: Browser) -> None:
    browser.sign_out()
    browser.open("/signup")
    browser.heading("Create your account")
    browser.screenshot("signup")
    browser.fill("Email", FIRST)
    browser.fill("Password", PASSWORD)
    browser.press("Create account")
    browser.heading("Transcripts")
    browser.find(".empty")
    browser.find(".banner")  # The reminder to confirm the address.
    browser.screenshot("dashboard-empty")

    browser.press("New transcript")
    browser.heading("New transcript")
    browser.screenshot("new-job")
    browser.find("input[type=file]", timeout=5).send_keys(str(JFK))
    assert "jfk.wav" in browser.find(".file-card").text

    # Slow the upload down so that its progress can be watched (about 2 s for jfk.wav's 344 KB).
    browser.driver.execute_cdp_cmd("Network.enable", {})
    browser.driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 160 * 1024}
    )
    try:
        browser.press("Transcribe")
        bar = browser.find("[role=progressbar][aria-label='Upload progress']", timeout=10)
        values = set()
        shot = False
        while browser.path() == "/new":
            try:
                values.add(float(bar.get_attribute("aria-valuenow") or 0))
            except Exception:  # The bar is gone: the upload ended.
                break
            if not shot and 20 < max(values) < 90:
                browser.screenshot("new-job-uploading")
                shot = True
            time.sleep(0.05)
    finally:
        browser.driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
        )
    assert any(0 < value < 100 for value in values), f"the upload bar never showed partial progress: {sorted(values)}"

    job_id = job_id_from_path(browser)
    STATE["job"] = job_id
    browser.find("main .job-facts [data-status]")
    if browser.finds(".job-running"):
        browser.screenshot("job-running")
    seen = follow_job_to_the_end(browser)
    assert seen[-1] == "done", f"statuses seen: {seen}"
    assert len(seen) >= 2, f"the page never showed the job in flight: {seen}"

    # The transcript, beside the player.
    browser.find(".transcript .word")
    text = browser.find(".transcript-body").text
    assert "ask not what your country can do for you" in text.lower()
    audio = browser.find("audio")
    browser.wait(lambda d: d.execute_script("return arguments[0].readyState", audio) >= 1, 15, "audio metadata")

    # Playback moves the highlight along: play for real, then jump by script.
    started = browser.driver.execute_async_script(
        "const done = arguments[arguments.length - 1]; const a = document.querySelector('audio'); a.muted = true;"
        "a.play().then(() => done(true), (e) => done(String(e)))"
    )
    assert started is True, f"the recording did not play: {started}"
    first = browser.wait(lambda d: highlighted_word(browser), 10, "a highlighted word while playing")
    browser.wait(lambda d: (w := highlighted_word(browser)) and w != first, 10, "the highlight moving on while playing")
    set_time(browser, 1.5)
    early = browser.wait(lambda d: highlighted_word(browser), 5, "a highlighted word at 1.5 s")
    set_time(browser, 8.0)
    late = browser.wait(lambda d: (w := highlighted_word(browser)) and w != early and w, 5, "the highlight following to 8 s")
    assert early[1] <= 1.5 < late[1] <= 8.0, (early, late)
    browser.screenshot("transcript")

    # Clicking a word seeks to it.
    word = browser.finds(".transcript .word")[-1]
    start = float(word.get_attribute("data-start"))
    word.click()
    browser.wait(lambda d: abs(d.execute_script("return document.querySelector('audio').currentTime") - start) < 1.0, 5, "seek to the clicked word")
    browser.driver.execute_script("document.querySelector('audio').pause()")

    # Search in the transcript.
    search = browser.field("Search in the transcript")
    search.send_keys("country")
    browser.wait(lambda d: browser.find("#transcript-search-count").text == "1 of 2", 5, "two matches for 'country'")
    search.send_keys(Keys.ENTER)
    browser.wait(lambda d: browser.find("#transcript-search-count").text == "2 of 2", 5, "the next match")
    assert len(browser.finds(".word.is-current-match")) == 1
    browser.screenshot("transcript-search")

    # Download the SRT (fetched with the token, saved from a Blob).
    browser.find("button[data-format=srt]").click()
    srt = browser.wait_download("jfk.srt").read_text()
    assert re.search(r"^00:00:00,000 --> ", srt, re.M), srt
    assert "Americans" in srt


def test_link_submission(browser: Browser, media_server: str) -> None:
    browser.sign_in(FIRST)
    browser.open("/new")
    browser.heading("New transcript")
    browser.choose("Paste a link")
    browser.fill("Link to the audio or video", f"{media_server}/jfk.wav")
    browser.fill("Title (optional)", "Inaugural address (link)")
    browser.screenshot("new-job-link")
    browser.press("Transcribe")
    STATE["link_job"] = job_id_from_path(browser)
    browser.heading("Inaugural address (link)")
    seen = follow_job_to_the_end(browser)
    assert seen[-1] == "done", seen
    assert "country" in browser.find(".transcript-body").text


def test_non_media_upload_fails_with_its_reason(browser: Browser, tmp_path) -> None:
    browser.sign_in(FIRST)
    fake = tmp_path / "meeting-notes.mp3"
    fake.write_text("These are notes, not a recording.\n" * 20)
    browser.open("/new")
    browser.heading("New transcript")
    browser.find("input[type=file]", timeout=5).send_keys(str(fake))
    browser.press("Transcribe")
    STATE["failed_job"] = job_id_from_path(browser)
    seen = follow_job_to_the_end(browser)
    assert seen[-1] == "failed", seen
    reason = browser.find(".job-failure-reason").text
    assert "not audio or video" in reason, reason
    assert "This job failed" in browser.alert_text()
    browser.screenshot("job-failed")


def test_dashboard_lists_searches_renames_and_deletes(browser: Browser) -> None:
    browser.sign_in(FIRST)
    browser.open("/")
    browser.heading("Transcripts")
    browser.wait(lambda d: len(browser.finds(".job-row")) == 3, 10, "three jobs")
    titles = [row.find_element(By.CSS_SELECTOR, ".job-title").text for row in browser.finds(".job-row")]
    assert titles == ["meeting-notes.mp3", "Inaugural address (link)", "jfk.wav"], titles  # Newest first.
    failed = browser.find(f"[data-job-id='{STATE['failed_job']}']")
    assert "not audio or video" in failed.find_element(By.CSS_SELECTOR, ".job-error").text
    browser.screenshot("dashboard")

    # Search by title (kept in the address).
    browser.fill("Search transcripts by title", "inaugural")
    browser.wait(lambda d: len(browser.finds(".job-row")) == 1, 10, "one match")
    assert browser.path() == "/?q=inaugural"
    browser.field("Search transcripts by title").send_keys(Keys.CONTROL, "a", Keys.DELETE)
    browser.wait(lambda d: len(browser.finds(".job-row")) == 3, 10, "all jobs again")

    # Rename in place.
    browser.press("Rename “jfk.wav”")
    title = browser.find("input[aria-label='New title for “jfk.wav”']")
    title.send_keys(Keys.CONTROL, "a")
    title.send_keys("Kennedy, 1961", Keys.ENTER)
    browser.wait(lambda d: "Kennedy, 1961" in [e.text for e in browser.finds(".job-title")], 10, "the new title")
    status, job = browser.api("GET", f"/v1/jobs/{STATE['job']}")
    assert status == 200 and job["title"] == "Kennedy, 1961"

    # Delete, after confirming.
    browser.press("Delete “meeting-notes.mp3”")
    dialog = browser.find("[role=dialog]")
    assert "Delete “meeting-notes.mp3”?" in dialog.text
    browser.screenshot("dashboard-delete")
    dialog.find_element(By.XPATH, ".//button[normalize-space()='Delete']").click()
    browser.wait(lambda d: len(browser.finds(".job-row")) == 2, 10, "two jobs left")
    assert browser.api("GET", f"/v1/jobs/{STATE['failed_job']}")[0] == 404


def test_api_key_creation(browser: Browser) -> None:
    browser.sign_in(FIRST)
    browser.open("/api-keys")
    browser.heading("API keys")
    browser.screenshot("api-keys-empty")
    browser.fill("Name", "Nightly export")
    browser.press("Create key")
    key = browser.find("[data-testid=new-api-key]").text.strip()
    assert key.startswith("tsk_"), key
    row = browser.wait(lambda d: next((r for r in browser.finds("tbody tr") if "Nightly export" in r.text), None), 10, "the key in the list")
    assert key[:12] in row.text
    browser.screenshot("api-keys")
    # The key works as a credential, and sees the same jobs.
    status, listing = browser.api("GET", "/v1/jobs", token=key)
    assert status == 200 and len(listing["jobs"]) == 2


def refreshes_in_this_tab(browser: Browser) -> int:
    return browser.driver.execute_script(
        "return performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/v1/auth/refresh')).length"
    )


def test_expired_access_token_renews_silently_once_across_tabs(browser: Browser) -> None:
    browser.sign_in(FIRST)
    browser.open("/")
    browser.heading("Transcripts")
    before = browser.session()
    # Fifteen minutes pass: the access token both tabs share has expired.
    browser.driver.execute_script(
        "const s = JSON.parse(localStorage.getItem('transcriptor.session')); s.accessExpiresAt = Date.now() - 1000;"
        "localStorage.setItem('transcriptor.session', JSON.stringify(s));"
    )
    first_tab = browser.driver.current_window_handle
    browser.driver.switch_to.new_window("tab")
    try:
        browser.open("/api-keys")
        browser.heading("API keys")
        browser.wait(lambda d: browser.finds("tbody tr"), 10, "the keys, fetched with a renewed token")
        renewed_here = refreshes_in_this_tab(browser)
        browser.driver.close()
    finally:
        browser.driver.switch_to.window(first_tab)
    browser.open("/account")
    browser.heading("Account")
    browser.find("[role=meter]")
    assert renewed_here + refreshes_in_this_tab(browser) == 1, "one refresh for both tabs"
    after = browser.session()
    assert after["accessToken"] != before["accessToken"]
    assert browser.api("GET", "/v1/me")[0] == 200
    assert not browser.finds("[role=alert]")


def refresh_cookie(browser: Browser) -> dict:
    cookies = [c for c in browser.cookies() if c["name"] == "refresh"]
    assert len(cookies) == 1, cookies
    return cookies[0]


def test_the_refresh_token_is_an_httponly_cookie_and_reload_keeps_the_session(browser: Browser) -> None:
    browser.sign_out()
    browser.sign_in(FIRST)
    # No script can read a long-lived secret: nothing stored where scripts read holds the refresh token.
    cookie = refresh_cookie(browser)
    assert cookie["value"].startswith("rt_")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/v1/auth", cookie
    readable = browser.stored_text()
    assert cookie["value"] not in readable and "refresh" not in readable.lower(), readable
    # A reload with an expired access token renews through the cookie and stays signed in.
    browser.driver.execute_script(
        "const s = JSON.parse(localStorage.getItem('transcriptor.session')); s.accessExpiresAt = Date.now() - 1000;"
        "localStorage.setItem('transcriptor.session', JSON.stringify(s));"
    )
    before = browser.session()["accessToken"]
    browser.driver.refresh()
    browser.heading("Transcripts")
    browser.wait(lambda d: browser.session()["accessToken"] != before, 10, "a renewed access token")
    assert refreshes_in_this_tab(browser) == 1
    rotated = refresh_cookie(browser)
    assert rotated["value"] != cookie["value"], "the refresh rotated the cookie"
    assert rotated["value"] not in browser.stored_text()
    # A page script cannot use the cookie on its own: without the app's header the service refuses it.
    status = browser.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/v1/auth/refresh', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' }).then((r) => done(r.status));"
    )
    assert status == 403
    # Signing out ends the session on the service and clears the cookie.
    browser.open("/account")
    browser.heading("Account")
    browser.press("Sign out")
    # The session is cleared at once (the guard first sends the page to /login?next=…); the
    # sign-out lands on /login?signedOut=1 when the logout has been answered: wait for that, or a
    # quick sign-in would follow the guard's `next` back to the page signed out from.
    browser.wait_path("/login?signedOut=1")
    # The page leaves at once; the logout's answer, which clears the cookie, comes a moment later.
    browser.wait(lambda d: not [c for c in browser.cookies() if c["name"] == "refresh"], 10, "the cookie cleared")
    status, _ = browser.api("POST", "/v1/auth/refresh", body={"refreshToken": rotated["value"]})
    assert status == 401, "the session is over on the service too"


def test_every_page_loads_under_the_csp(browser: Browser) -> None:
    browser.sign_in(FIRST)
    for path in ["/", "/new", "/api-keys", "/account", "/billing", "/pricing", "/jobs/job_00000000000000000000000000"]:
        browser.open(path)
        browser.wait(lambda d: d.execute_script("return document.readyState") == "complete", 10, f"{path} loaded")
        browser.find("main")
    browser.sign_out()
    for path in ["/login", "/signup", "/forgot-password", "/reset-password?token=x", "/verify-email?token=x", "/pricing"]:
        browser.open(path)
        browser.find("main")
    time.sleep(0.5)  # Late requests (the token checks) report before the log is read.
    # (The fixture no_csp_violations reads the console after every test too.)
    assert not browser.csp_violations()


def test_account_page_and_email_verification(browser: Browser) -> None:
    browser.sign_in(FIRST)
    browser.open("/account")
    browser.heading("Account")
    usage = browser.find("[role=meter]")
    assert float(usage.get_attribute("aria-valuenow")) > 0  # Two jobs of jfk.wav (11 s each).
    browser.screenshot("account")
    browser.press("Show")
    before = browser.find("[data-testid=webhook-secret]").text
    browser.press("Rotate")
    browser.find("[role=dialog]").find_element(By.XPATH, ".//button[normalize-space()='Rotate secret']").click()
    browser.wait(lambda d: browser.find("[data-testid=webhook-secret]").text not in (before, ""), 10, "a new secret")

    # The verification link from the outbox.
    mail = browser.mail_to(FIRST)
    link = next(re.search(r"https?://\S+/verify-email\?token=\S+", m["text"]).group(0) for m in mail if "verify-email" in m["text"])
    assert link.startswith(browser.gateway + "/verify-email?token="), link
    browser.driver.get(link)
    browser.heading("Confirm your email")
    browser.wait(lambda d: "Your address is confirmed" in browser.find("[role=status]").text, 10, "confirmed")
    browser.screenshot("verify-email")
    browser.press("Go to your transcripts")
    browser.heading("Transcripts")
    assert not browser.finds(".banner"), "the reminder stays after confirming"


def test_wrong_password_shows_the_apis_message(browser: Browser) -> None:
    browser.sign_in(FIRST)
    browser.press("Sign out")
    # The session is cleared at once (the guard first sends the page to /login?next=…); the
    # sign-out lands on /login?signedOut=1 when the logout has been answered: wait for that, or a
    # quick sign-in would follow the guard's `next` back to the page signed out from.
    browser.wait_path("/login?signedOut=1")
    browser.heading("Sign in")
    browser.fill("Email", FIRST)
    browser.fill("Password", "not the right password")
    browser.press("Sign in")
    assert browser.alert_text() == "The email address or the password is not right."
    browser.screenshot("login-error")


def test_password_reset_through_the_outbox(browser: Browser) -> None:
    browser.sign_out()
    browser.open("/login")
    browser.press("Forgot your password?")
    browser.heading("Reset your password")
    browser.fill("Email", FIRST)
    browser.press("Send reset link")
    browser.wait(lambda d: "Check your inbox" in browser.find("[role=status]").text, 10, "the confirmation")
    browser.screenshot("forgot-password")

    link = browser.wait(
        lambda d: next((m.group(0) for mail in browser.mail_to(FIRST) if (m := re.search(r"https?://\S+/reset-password\?token=\S+", mail["text"]))), None),
        10,
        "the reset mail",
    )
    browser.driver.get(link)
    browser.heading("Choose a new password")
    browser.fill("New password", "short")
    browser.press("Set new password")
    assert "10 characters" in browser.alert_text()  # The API's rule, as it says it.
    browser.screenshot("reset-password")
    browser.fill("New password", NEW_PASSWORD)
    browser.press("Set new password")
    browser.wait_path("/login?reset=1")
    browser.fill("Email", FIRST)
    browser.fill("Password", NEW_PASSWORD)
    browser.press("Sign in")
    browser.heading("Transcripts")
    # The spent link does not work twice.
    browser.driver.get(link)
    browser.fill("New password", "yet another passphrase")
    browser.press("Set new password")
    assert browser.alert_text()
    browser.find("[role=alert] a[href='/forgot-password']")


def test_resend_confirmation_and_change_password_on_the_account_page(browser: Browser) -> None:
    browser.sign_up(THIRD)
    mails = len(browser.mail_to(THIRD))
    browser.click(browser.find(".banner").find_element(By.XPATH, ".//button[normalize-space()='Send the link again']"))
    browser.wait(lambda d: "Sent" in browser.find(".banner").text, 10, "the resend's confirmation")
    browser.wait(lambda d: len(browser.mail_to(THIRD)) > mails, 10, "a second confirmation mail")

    browser.open("/account")
    browser.heading("Account")
    before = browser.session()
    before_cookie = refresh_cookie(browser)["value"]
    browser.fill("Current password", "not my password at all")
    browser.fill("New password", NEW_PASSWORD)
    browser.fill("Confirm new password", NEW_PASSWORD)
    browser.press("Change password")
    assert browser.alert_text()  # The API's wrong_password message, on the field.
    browser.fill("Current password", PASSWORD)
    browser.press("Change password")
    browser.wait(lambda d: "other device was signed out" in browser.find("[aria-live=polite]").text, 10, "the change's confirmation")
    browser.screenshot("account-change-password")
    after = browser.session()
    assert after and after["accessToken"] != before["accessToken"], "this tab keeps the new session"
    assert refresh_cookie(browser)["value"] != before_cookie, "with a new refresh cookie"
    assert browser.api("GET", "/v1/me")[0] == 200
    assert browser.api("POST", "/v1/auth/refresh", body={"refreshToken": before_cookie})[0] == 401, "the old session is over"

    browser.press("Sign out")
    # The session is cleared at once (the guard first sends the page to /login?next=…); the
    # sign-out lands on /login?signedOut=1 when the logout has been answered: wait for that, or a
    # quick sign-in would follow the guard's `next` back to the page signed out from.
    browser.wait_path("/login?signedOut=1")
    browser.fill("Email", THIRD)
    browser.fill("Password", NEW_PASSWORD)
    browser.press("Sign in")
    browser.heading("Transcripts")


def test_second_user_sees_none_of_the_first_users_jobs(browser: Browser) -> None:
    browser.sign_up(SECOND)
    browser.find(".empty")
    assert not browser.finds(".job-row")
    status, listing = browser.api("GET", "/v1/jobs")
    assert status == 200 and listing["jobs"] == []
    browser.open(f"/jobs/{STATE['job']}")
    browser.heading("Transcript not found")
    browser.screenshot("job-not-found")
    assert browser.api("GET", f"/v1/jobs/{STATE['job']}")[0] == 404

    # The second user leaves: the password is asked, and a wrong one is refused with the API's reason.
    browser.open("/account")
    browser.heading("Account")
    browser.press("Delete account…")
    dialog = browser.find("[role=dialog]")
    browser.fill("Your password", "not my password at all")
    dialog.find_element(By.XPATH, ".//button[normalize-space()='Delete my account']").click()
    browser.wait(lambda d: dialog.find_elements(By.CSS_SELECTOR, ".field-error"), 10, "the wrong password's message")
    browser.screenshot("account-delete")
    browser.fill("Your password", PASSWORD)
    dialog.find_element(By.XPATH, ".//button[normalize-space()='Delete my account']").click()
    browser.wait_path("/login?deleted=1")
    assert "deleted" in browser.find("[role=status]").text
    assert browser.session() is None


# Billing. The card form is Stripe's card element; locally, localstripe's Stripe.js stand-in
# (localstripe-v3.js), which the page loads from the URL GET /v1/billing names. The stand-in renders
# five bare text inputs in the element's box, told apart by their placeholders (the page labels
# them): the number (focus moves on at 16 digits, so it is typed without spaces), the expiry's month
# and two-digit year, the CVC and the postal code.


def type_card(browser: Browser, number: str) -> None:
    host = browser.find("[data-testid=card-element]", timeout=20)
    browser.wait(lambda d: host.find_elements(By.CSS_SELECTOR, "input[placeholder=number]"), 20, "Stripe's card fields")
    for placeholder, value in (("number", number), ("exp_month", "12"), ("exp_year", "34"), ("cvc", "123"), ("postal_code", "10001")):
        field = host.find_element(By.CSS_SELECTOR, f"input[placeholder={placeholder}]")
        assert field.get_attribute("aria-label"), f"the {placeholder} field has no label"
        field.click()
        field.send_keys(value)
    assert host.find_element(By.CSS_SELECTOR, "input[placeholder=number]").get_attribute("value") == number
    # The billing address our form asks for beside Stripe's card field (kept on the Stripe customer).
    Select(browser.find("select[autocomplete=country]")).select_by_value("US")
    postal = browser.find("fieldset.billing-address input[autocomplete=postal-code]")
    postal.clear()
    postal.send_keys("10001")


def test_upgrade_to_pro_with_a_card_then_cancel_and_resume(browser: Browser) -> None:
    email = f"payer-{RUN}@example.com"
    browser.sign_up(email)
    browser.open("/pricing")
    browser.heading("Plans and pricing")
    free = browser.find("[data-plan=free]")
    assert "Your plan" in free.text
    pro = browser.find("[data-plan=pro]")
    assert "$15" in pro.text and "1,200 audio minutes a month" in pro.text, pro.text
    assert "$0.01 a minute" in browser.find("[data-plan=business]").text
    browser.screenshot("pricing")

    browser.press("Upgrade to Pro")
    assert browser.wait_path("/billing") == "/billing?plan=pro"
    browser.heading("Billing")
    type_card(browser, "4242424242424242")
    browser.screenshot("billing-card-form")
    browser.press("Subscribe to Pro")
    browser.wait(lambda d: browser.find("[data-testid=billing-plan]").text == "Pro", 30, "the Pro plan")
    assert browser.path() == "/billing"
    assert "You are on Pro now" in browser.find(".alert-success").text
    assert browser.find("[data-testid=billing-status]").text == "Active"
    assert "ending in 4242" in browser.find("[data-testid=billing-card]").text
    renews = browser.find("[data-testid=billing-period-end]").text
    assert renews and browser.find("dt:has(+ [data-testid=billing-period-end])").text == "Renews on"
    rows = browser.wait(lambda d: browser.finds("table.invoices tbody tr"), 15, "the invoice")
    assert len(rows) == 1, [row.text for row in rows]
    assert rows[0].find_element(By.CSS_SELECTOR, "[data-status]").get_attribute("data-status") == "paid"
    assert "$15.00" in rows[0].find_element(By.CSS_SELECTOR, ".invoice-amount").text
    assert "Pro" in rows[0].find_element(By.CSS_SELECTOR, ".invoice-lines").text
    assert browser.find("[role=meter]").get_attribute("aria-valuemax") == "1200"
    browser.screenshot("billing")
    status, billing = browser.api("GET", "/v1/billing")
    assert status == 200 and billing["plan"] == "pro" and billing["status"] == "active", billing
    assert browser.api("GET", "/v1/me")[1]["plan"] == "pro"

    # Cancelling asks first, then the plan ends with the period; resuming undoes it.
    browser.press("Cancel subscription…")
    dialog = browser.find("[role=dialog]")
    assert "Cancel your subscription?" in dialog.text and renews in dialog.text
    browser.screenshot("billing-cancel")
    dialog.find_element(By.XPATH, ".//button[normalize-space()='Cancel subscription']").click()
    browser.wait(lambda d: browser.find("dt:has(+ [data-testid=billing-period-end])").text == "Ends on", 15, "the end date")
    assert browser.api("GET", "/v1/billing")[1]["cancelAtPeriodEnd"] is True
    browser.press("Resume subscription")
    browser.wait(lambda d: browser.find("dt:has(+ [data-testid=billing-period-end])").text == "Renews on", 15, "the renewal date again")
    assert browser.api("GET", "/v1/billing")[1]["cancelAtPeriodEnd"] is False

    browser.open("/pricing")
    browser.wait(lambda d: "Your plan" in browser.find("[data-plan=pro]").text, 10, "Pro marked as the plan")
    browser.button("Upgrade to Business")
    browser.button("Downgrade to Free")


def test_a_declined_card_shows_stripes_reason(browser: Browser) -> None:
    # Signed out, the pricing page leads through sign-up to the card form.
    browser.sign_out()
    browser.open("/pricing")
    browser.heading("Plans and pricing")
    browser.screenshot("pricing-signed-out")
    browser.press("Sign up for Pro")
    browser.heading("Create your account")
    browser.fill("Email", f"declined-{RUN}@example.com")
    browser.fill("Password", PASSWORD)
    browser.press("Create account")
    browser.heading("Billing")
    assert browser.path() == "/billing?plan=pro"

    type_card(browser, "4000000000000341")  # Saved fine, declined when charged.
    browser.press("Subscribe to Pro")
    alert = browser.wait(
        lambda d: next((e for e in browser.finds(".subscribe [role=alert]") if e.is_displayed() and "declined" in e.text), None), 30, "the decline"
    )
    assert "Your card was declined." in alert.text, alert.text
    browser.screenshot("billing-declined")
    assert browser.find("[data-testid=billing-plan]").text == "Free"
    assert browser.button("Subscribe to Pro").is_enabled(), "the form can be sent again with another card"
    status, billing = browser.api("GET", "/v1/billing")
    assert status == 200 and billing["plan"] == "free", billing


def complete_authentication(browser: Browser) -> None:
    """Answers the stand-in's 3-D Secure dialog (a box it adds to the page) with its confirming button."""
    browser.click(browser.button("Complete authentication", timeout=20))


def test_a_card_that_needs_authentication_subscribes_once_confirmed(browser: Browser) -> None:
    browser.sign_up(f"secure-{RUN}@example.com")
    browser.open("/billing?plan=business")
    browser.heading("Billing")
    type_card(browser, "4000002500003155")
    browser.press("Subscribe to Business")
    complete_authentication(browser)  # Saving the card (confirmCardSetup).
    complete_authentication(browser)  # The first payment (confirmCardPayment, after the API's 202).
    browser.wait(lambda d: browser.find("[data-testid=billing-plan]").text == "Business", 30, "the Business plan")
    assert browser.find("[data-testid=billing-status]").text == "Active"
    status, billing = browser.api("GET", "/v1/billing")
    assert status == 200 and billing["plan"] == "business" and billing["status"] == "active", billing
