"""Tags, transcript editing and the downloads' options in a real browser, end to end against the
emulator: a job of jfk.wav made with tags in the new-job form, its tags edited and the dashboard
filtered by one; the transcript edited in place, changed behind the page's back through the API
(a conflict, then Reload), reverted; a Word download; SRT with 20-character lines.

The tests have a user and a job of their own (made once, by the first test that needs it), so the
file runs in any order with the other browser tests:

    scripts/web.sh browser -k editing
"""

from __future__ import annotations

import io
import json
import re
import time
import uuid

import pytest
from conftest import JFK, Browser
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

RUN = uuid.uuid4().hex[:8]
EMAIL = f"editor-{RUN}@example.com"
TITLE = f"Editing {RUN}"
TAG = f"inaugural-{RUN}"
DONE_TIMEOUT = 90  # A job on jfk.wav takes a few seconds; a cold function pool more.


def wait_until_finished(browser: Browser) -> str:
    """The job page's status once the job is done or failed."""
    deadline = time.monotonic() + DONE_TIMEOUT
    while time.monotonic() < deadline:
        badges = browser.finds("main .job-facts [data-status]")
        status = badges[0].get_attribute("data-status") if badges else None
        if status in ("done", "failed"):
            return status
        time.sleep(0.1)
    raise AssertionError(f"the job did not finish in {DONE_TIMEOUT} s")


@pytest.fixture(scope="module")
def job(browser: Browser) -> str:
    """The id of a finished job of jfk.wav, made through the new-job form with two tags (speakers off: quicker)."""
    browser.sign_up(EMAIL)
    browser.press("New transcript")
    browser.heading("New transcript")
    browser.find("input[type=file]", timeout=5).send_keys(str(JFK))
    browser.fill("Title (optional)", TITLE)
    browser.fill("Tags (optional)", " Kennedy ,  speech,kennedy ")
    speakers = browser.field("Identify speakers")
    if speakers.is_selected():
        browser.click(speakers)
    browser.screenshot("new-job-tags")
    browser.press("Transcribe")
    job_id = browser.wait_path("/jobs/").split("/jobs/")[1]
    browser.heading(TITLE)
    assert wait_until_finished(browser) == "done", browser.find("main").text
    browser.find(".transcript .word")
    return job_id


def transcript(browser: Browser, job_id: str, query: str = "format=json") -> tuple[dict, str | None]:
    """The transcript through the API (as it is now), and its ETag."""
    status, headers, body = browser.request("GET", f"/v1/jobs/{job_id}/transcript?{query}")
    assert status == 200, body
    return json.loads(body), headers.get("etag")


def segment_text(browser: Browser, index: int) -> str:
    return browser.driver.execute_script(
        "const s = document.querySelector(`.transcript [data-segment='${arguments[0]}'] .segment-text`);"
        "return s ? [...s.querySelectorAll('.word')].map((w) => w.textContent).join(' ') : null",
        index,
    )


def edit_state(browser: Browser) -> str:
    return browser.find("[data-testid=edit-status]").get_attribute("data-state")


def tags_shown(browser: Browser, scope: str) -> list[str]:
    return [chip.text.strip() for chip in browser.finds(f"{scope} .tag")]


def rows(browser: Browser) -> list[str]:
    return [row.get_attribute("data-job-id") for row in browser.finds(".job-row")]


def test_tags_from_the_form_edited_on_the_job_page_and_the_dashboard_filtered_by_one(browser: Browser, job: str, media_server: str) -> None:
    browser.sign_in(EMAIL)
    browser.open(f"/jobs/{job}")
    browser.heading(TITLE)
    # The form's tags, trimmed, the repeat (in another case) kept once.
    browser.wait(lambda d: tags_shown(browser, "[data-testid=job-tags]") == ["Kennedy", "speech"], 10, "the form's tags")
    status, body = browser.api("GET", f"/v1/jobs/{job}")
    assert status == 200 and body["tags"] == ["Kennedy", "speech"], body

    # Edit them in place: Enter saves.
    browser.click(browser.find("[data-testid=job-tags-edit]"))
    field = browser.find("[data-testid=job-tags-input]")
    assert browser.driver.switch_to.active_element == field, "the tags field takes focus"
    assert field.get_attribute("value") == "Kennedy, speech"
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(f"Kennedy, {'x' * 41}", Keys.ENTER)
    assert "at most 40 characters" in browser.find("#job-tags-error").text
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(f"Kennedy, {TAG}", Keys.ENTER)
    browser.wait(lambda d: tags_shown(browser, "[data-testid=job-tags]") == ["Kennedy", TAG], 10, "the new tags")
    assert browser.api("GET", f"/v1/jobs/{job}")[1]["tags"] == ["Kennedy", TAG]
    browser.screenshot("job-tags")

    # Another job, without tags, beside it on the dashboard (it need not finish).
    status, created = browser.api("POST", "/v1/jobs", body={"source": {"url": f"{media_server}/jfk.wav"}, "title": f"Untagged {RUN}"})
    assert status in (200, 201, 202), created
    other = created["job"]["id"]
    assert created["job"]["tags"] == []
    browser.open("/")
    browser.heading("Transcripts")
    browser.wait(lambda d: set(rows(browser)) == {job, other}, 15, "both jobs")
    assert tags_shown(browser, f"[data-job-id='{job}']") == ["Kennedy", TAG]
    assert tags_shown(browser, f"[data-job-id='{other}']") == []

    # A tag's chip filters the list (kept in the address); the filter clears.
    browser.click(browser.find(f"[data-job-id='{job}'] a.tag[data-tag='{TAG}']"))
    browser.wait(lambda d: browser.path() == f"/?tag={TAG}", 10, "the tag in the address")
    browser.wait(lambda d: rows(browser) == [job], 10, "only the tagged job")
    assert browser.find("[data-testid=tag-filter-value]").text.strip() == TAG
    browser.screenshot("dashboard-tag-filter")
    # The service's filter ignores case.
    status, listing = browser.api("GET", f"/v1/jobs?tag={TAG.upper()}")
    assert status == 200 and [item["id"] for item in listing["jobs"]] == [job], listing

    # At a phone's width the header's navigation and the filter still fit.
    browser.viewport(390, 844, True)
    try:
        time.sleep(0.3)
        overflow = browser.driver.execute_script(
            "const nav = document.querySelector('.mainnav');"
            "return { page: document.documentElement.scrollWidth, nav: nav.scrollWidth - nav.clientWidth,"
            " right: Math.max(...[...document.querySelectorAll('.mainnav .nav-link, .topbar-actions > *, [data-testid=tag-filter]')]"
            ".map((e) => e.getBoundingClientRect().right)) }"
        )
        assert overflow["page"] <= 390 and overflow["nav"] <= 1 and overflow["right"] <= 390, overflow
    finally:
        browser.viewport(1280, 800, False)

    browser.click(browser.find("[data-testid=tag-filter-clear]"))
    browser.wait(lambda d: browser.path() == "/", 10, "no tag in the address")
    browser.wait(lambda d: set(rows(browser)) == {job, other}, 10, "both jobs again")

    # The job page's chips lead to the filtered dashboard too.
    browser.open(f"/jobs/{job}")
    browser.click(browser.find(f"[data-testid=job-tags] a.tag[data-tag='{TAG}']"))
    browser.wait(lambda d: browser.path() == f"/?tag={TAG}", 10, "the tag in the address")
    browser.wait(lambda d: rows(browser) == [job], 10, "only the tagged job")


def test_edit_a_segment_then_a_conflict_then_reload_then_revert(browser: Browser, job: str) -> None:
    browser.sign_in(EMAIL)
    original, _ = transcript(browser, job, "format=json&version=original")
    assert "version" not in original, "the original has no version"
    before, etag = transcript(browser, job)
    assert isinstance(before["version"], int) and etag == f'"{before["version"]}"', (before.get("version"), etag)
    last = len(before["segments"]) - 1

    browser.open(f"/jobs/{job}")
    browser.heading(TITLE)
    browser.find(".transcript .word")
    toggle = browser.find("[data-testid=edit-toggle]")
    assert toggle.get_attribute("aria-pressed") == "false"
    browser.click(toggle)
    browser.wait(lambda d: browser.find("[data-testid=edit-toggle]").get_attribute("aria-pressed") == "true", 5, "edit mode")
    status = browser.find("[data-testid=edit-status]")
    assert status.get_attribute("role") == "status" and status.text.strip() == "Saved"
    assert "Alt+K" in browser.find("#edit-hint").text

    # Click a segment, type, Enter: saved with the version the page holds.
    browser.click(browser.find("[data-segment='0'] .segment-edit"))
    field = browser.find("[data-testid=segment-editor]")
    assert browser.driver.switch_to.active_element == field, "the editor takes focus"
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("And so my fellow Americans, edited in the browser", Keys.ENTER)
    browser.wait(lambda d: not browser.finds("[data-testid=segment-editor]"), 10, "the editor closed")
    browser.wait(lambda d: edit_state(browser) == "saved", 10, "saved")
    assert segment_text(browser, 0) == "And so my fellow Americans, edited in the browser"
    saved, etag = transcript(browser, job)
    assert saved["version"] == before["version"] + 1 and etag == f'"{saved["version"]}"', (saved["version"], etag)
    assert saved["segments"][0]["text"] == "And so my fellow Americans, edited in the browser"
    browser.screenshot("transcript-editing")

    # Alt+K plays and pauses the recording while editing.
    browser.wait(lambda d: d.execute_script("return document.querySelector('audio').readyState") >= 1, 15, "audio metadata")
    ActionChains(browser.driver).key_down(Keys.ALT).send_keys("k").key_up(Keys.ALT).perform()
    browser.wait(lambda d: not d.execute_script("return document.querySelector('audio').paused"), 5, "playing after Alt+K")
    ActionChains(browser.driver).key_down(Keys.ALT).send_keys("k").key_up(Keys.ALT).perform()
    browser.wait(lambda d: d.execute_script("return document.querySelector('audio').paused"), 5, "paused after Alt+K again")

    # Someone changes the transcript behind the page's back, with the version they read.
    code, headers, body = browser.request(
        "PATCH",
        f"/v1/jobs/{job}/transcript",
        body={"edits": [{"segment": last, "text": "Changed behind the page"}]},
        headers={"If-Match": f'"{saved["version"]}"'},
    )
    assert code == 200, body
    elsewhere = json.loads(body)
    assert elsewhere["version"] == saved["version"] + 1 and headers.get("etag") == f'"{elsewhere["version"]}"'
    # A stale or missing If-Match is refused by the service.
    code, _, body = browser.request("PATCH", f"/v1/jobs/{job}/transcript", body={"edits": [{"segment": 0, "text": "x"}]}, headers={"If-Match": f'"{saved["version"]}"'})
    assert code == 412 and json.loads(body)["version"] == elsewhere["version"], body
    code, _, body = browser.request("PATCH", f"/v1/jobs/{job}/transcript", body={"edits": [{"segment": 0, "text": "x"}]})
    assert code == 428 and json.loads(body)["error"]["code"] == "precondition_required", body

    # The page still holds the older version: its next edit is a conflict, and nothing is overwritten.
    browser.click(browser.find("[data-segment='0'] .segment-edit"))
    field = browser.find("[data-testid=segment-editor]")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("This edit will conflict", Keys.ENTER)
    browser.wait(lambda d: edit_state(browser) == "conflict", 10, "the conflict")
    assert browser.find("[data-testid=edit-status]").text.strip() == "Conflict"
    message = browser.find("[data-testid=edit-conflict]").text
    assert "not saved" in message and "will be lost" in message, message
    browser.screenshot("transcript-conflict")
    assert "This edit will conflict" not in json.dumps(transcript(browser, job)[0])

    # Reload brings the other change (and drops the unsaved one).
    browser.click(browser.find("[data-testid=edit-reload]"))
    browser.wait(lambda d: edit_state(browser) == "saved", 10, "saved after the reload")
    assert not browser.finds("[data-testid=edit-conflict]")
    assert not browser.finds("[data-testid=segment-editor]")
    browser.wait(lambda d: segment_text(browser, last) == "Changed behind the page", 10, "the other change shown")
    assert "This edit will conflict" not in browser.find(".transcript-body").text

    # Editing goes on from the reloaded version; Undo sends the old text back.
    browser.click(browser.find(f"[data-segment='{last}'] .segment-edit"))
    field = browser.find("[data-testid=segment-editor]")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("Changed in the page again", Keys.ENTER)
    browser.wait(lambda d: segment_text(browser, last) == "Changed in the page again", 10, "the edit after the reload")
    browser.wait(lambda d: edit_state(browser) == "saved", 10, "saved")
    browser.click(browser.find("[data-testid=edit-undo]"))
    browser.wait(lambda d: segment_text(browser, last) == "Changed behind the page", 10, "undone")
    assert transcript(browser, job)[0]["segments"][last]["text"] == "Changed behind the page"

    # Revert to original, after confirming.
    browser.click(browser.find("[data-testid=edit-revert]"))
    dialog = browser.find("[role=dialog]")
    assert "Revert to the original transcript?" in dialog.text
    dialog.find_element(By.XPATH, ".//button[normalize-space()='Revert']").click()
    browser.wait(lambda d: not browser.finds("[role=dialog]"), 10, "the dialog closed")
    reverted, _ = transcript(browser, job)
    assert [s["text"] for s in reverted["segments"]] == [s["text"] for s in original["segments"]]
    assert reverted["version"] > elsewhere["version"]
    browser.wait(lambda d: segment_text(browser, 0) == " ".join(w["word"].strip() for w in original["segments"][0]["words"] if w["word"].strip()), 10, "the original shown")
    browser.click(browser.find("[data-testid=edit-toggle]"))
    browser.wait(lambda d: not browser.finds("[data-testid=edit-status]"), 5, "reading mode")


def test_word_download_is_a_docx_file(browser: Browser, job: str) -> None:
    browser.sign_in(EMAIL)
    browser.open(f"/jobs/{job}")
    browser.heading(TITLE)
    browser.find(".transcript .word")
    current, _ = transcript(browser, job)
    browser.click(browser.find("[data-testid=download-docx]"))
    data = browser.wait_download(f"{TITLE}.docx").read_bytes()
    assert data[:2] == b"PK", data[:16]
    try:
        import docx  # python-docx, when the environment has it
    except ImportError:
        return
    text = "\n".join(paragraph.text for paragraph in docx.Document(io.BytesIO(data)).paragraphs)
    word = next(w["word"].strip(" ,.") for s in current["segments"] for w in s["words"] if len(w["word"].strip(" ,.")) > 3)
    assert word in text, text

    # Markdown with timestamps.
    browser.click(browser.find("#download-timestamps"))
    assert browser.find("#download-timestamps").is_selected()
    browser.click(browser.find("[data-testid=download-md]"))
    markdown = browser.wait_download(f"{TITLE}.md").read_text()
    assert word in markdown and re.search(r"\[\d\d:\d\d\]", markdown), markdown


def test_subtitle_settings_shape_the_srt(browser: Browser, job: str) -> None:
    browser.sign_in(EMAIL)
    browser.open(f"/jobs/{job}")
    browser.heading(TITLE)
    browser.find(".transcript .word")
    browser.click(browser.find("[data-testid=subtitle-settings-toggle]"))
    line = browser.find("#subtitle-maxLineLength")
    assert (line.get_attribute("min"), line.get_attribute("max"), line.get_attribute("value")) == ("10", "100", "42")
    # Out of range: said at once, and nothing is downloaded.
    line.clear()
    line.send_keys("5")
    assert "from 10 to 100" in browser.find("#subtitle-maxLineLength-error").text
    line.clear()
    line.send_keys("20")
    browser.wait(lambda d: not browser.finds("#subtitle-maxLineLength-error"), 5, "the message gone")
    browser.screenshot("subtitle-settings")
    browser.click(browser.find("[data-testid=download-srt]"))
    srt = browser.wait_download(f"{TITLE}.srt").read_text()
    texts = [
        text
        for text in srt.splitlines()
        if text.strip() and not re.fullmatch(r"\d+", text.strip()) and "-->" not in text
    ]
    assert texts, srt
    assert all(len(text) <= 20 for text in texts), [text for text in texts if len(text) > 20]
    assert re.search(r"^00:00:0\d,\d{3} --> ", srt, re.M), srt
