"""Share links in a real browser, end to end against the emulator: the owner makes a link with the
recording from the job page, a signed-out browser opens it (title, transcript, player; no call that
needs a session), the owner revokes it, and the link then says it is not valid.

    scripts/web.sh browser -k share
"""

from __future__ import annotations

import uuid

import pytest
from conftest import JFK, Browser

RUN = uuid.uuid4().hex[:8]
EMAIL = f"sharer-{RUN}@example.com"
TITLE = f"Shared speech {RUN}"
NOT_VALID = "This link is not valid: it may have expired or been revoked."


@pytest.fixture(scope="module")
def job(browser: Browser) -> str:
    """The id of a finished job of jfk.wav, made through the new-job form (speakers off: quicker)."""
    browser.sign_up(EMAIL)
    browser.press("New transcript")
    browser.heading("New transcript")
    browser.find("input[type=file]", timeout=5).send_keys(str(JFK))
    browser.fill("Title (optional)", TITLE)
    speakers = browser.field("Identify speakers")
    if speakers.is_selected():
        browser.click(speakers)
    browser.press("Transcribe")
    job_id = browser.wait_path("/jobs/").split("/jobs/")[1]
    browser.heading(TITLE)
    assert browser.job_status_when_finished() == "done", browser.find("main").text
    browser.find(".transcript .word")
    return job_id


def api_calls(browser: Browser) -> list[str]:
    """The paths under /v1/ this page has fetched since it loaded."""
    return browser.driver.execute_script(
        "return performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.startsWith('/v1/'))"
    )


def share_rows(browser: Browser) -> list[str]:
    return [row.get_attribute("data-share-id") for row in browser.finds("[data-testid=share-list] li[data-share-id]")]


def test_a_link_with_the_recording_opened_signed_out_then_revoked(browser: Browser, job: str) -> None:
    browser.sign_in(EMAIL)
    browser.open(f"/jobs/{job}")
    browser.heading(TITLE)
    transcript_text = browser.find(".transcript-body").text

    # The dialog: the days are checked before anything is sent.
    browser.click(browser.find("[data-testid=share-open]"))
    days = browser.find("[data-testid=share-days]")
    assert days.get_attribute("value") == "30"
    days.clear()
    days.send_keys("400")
    browser.click(browser.find("[data-testid=share-create]"))
    assert "from 1 to 365 days" in browser.find("[role=dialog] .field-error").text
    assert browser.api("GET", f"/v1/jobs/{job}/shares")[1]["shares"] == []
    days.clear()
    days.send_keys("7")
    media = browser.find("[data-testid=share-media]")
    assert not media.is_selected()
    browser.click(media)
    browser.click(browser.find("[data-testid=share-create]"))
    url = browser.find("[data-testid=share-url]").get_attribute("value")
    assert url.startswith(f"{browser.gateway}/s/sh_"), url
    assert "shown only this once" in browser.find("[role=dialog]").text
    browser.wait(lambda d: len(share_rows(browser)) == 1, 10, "the new link in the list")
    (share_id,) = share_rows(browser)
    assert "With audio" in browser.find(f"[data-testid=share-list] li[data-share-id='{share_id}']").text
    status, listing = browser.api("GET", f"/v1/jobs/{job}/shares")
    assert status == 200 and [(s["id"], s["includeMedia"]) for s in listing["shares"]] == [(share_id, True)], listing
    browser.screenshot("share-dialog")
    browser.press("Done")
    browser.wait(lambda d: not browser.finds("[role=dialog]"), 5, "the dialog closed")

    # Signed out, a fresh load of the link: the app at /s/…, the transcript and the player, no sign-in.
    browser.sign_out()
    browser.driver.get(url)
    browser.heading(TITLE)
    assert browser.path() == url[len(browser.gateway) :], "no redirect to the sign-in page"
    assert browser.find(".transcript-body").text == transcript_text
    assert "fellow Americans" in transcript_text, transcript_text
    browser.wait(lambda d: d.execute_script("const a = document.querySelector('audio'); return a && a.readyState >= 1"), 15, "the recording's metadata")
    assert TITLE in browser.driver.title
    assert browser.driver.execute_script("return document.querySelector('meta[name=robots]').content") == "noindex, nofollow"
    assert browser.driver.execute_script("return document.querySelector('meta[name=referrer]').content") == "no-referrer"
    # A click on a word plays from it.
    word = browser.finds(".transcript .word")[3]
    start = float(word.get_attribute("data-start"))
    browser.click(word)
    browser.wait(lambda d: d.execute_script("return document.querySelector('audio').currentTime") >= start, 5, "the player at the word")
    browser.driver.execute_script("document.querySelector('audio').pause()")
    calls = api_calls(browser)
    assert calls and all(path.startswith("/v1/shares/") for path in calls), calls
    assert browser.session() is None
    token = url.rsplit("/", 1)[1]
    status, headers, _ = browser.request("GET", f"/v1/shares/{token}")
    assert status == 200 and "noindex" in headers.get("x-robots-tag", ""), headers
    browser.screenshot("shared-transcript")

    # The owner revokes it in the UI, after confirming.
    browser.sign_in(EMAIL)
    browser.open(f"/jobs/{job}")
    browser.heading(TITLE)
    browser.click(browser.find("[data-testid=share-open]"))
    browser.click(browser.find(f"[data-testid=share-revoke][data-share-id='{share_id}']"))
    browser.find("[role=dialog]")
    browser.press("Revoke link")
    browser.wait(lambda d: browser.finds("[role=dialog] [data-testid=share-list]") and share_rows(browser) == [], 10, "the link gone from the list")
    assert browser.api("GET", f"/v1/jobs/{job}/shares")[1]["shares"] == []

    # The link now says it is not valid, signed out as signed in.
    browser.driver.get(url)
    assert browser.heading("This link is not valid")
    assert NOT_VALID in browser.find("[data-testid=share-problem-message]").text
    browser.sign_out()
    browser.driver.get(url)
    browser.heading("This link is not valid")
    assert NOT_VALID in browser.find("[data-testid=share-problem-message]").text
    assert browser.path() == url[len(browser.gateway) :]
    browser.screenshot("shared-transcript-revoked")
