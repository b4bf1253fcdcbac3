"""Words to expect and the glossary in a real browser, end to end against the emulator (whose model
is whisper/tiny.en: English only, no translation): the new-job form offers Detect and English and
no translation; a glossary saved on the account page is kept across a reload; a job of jfk.wav made
with "Kennedy" as a word to expect lists Kennedy, then the glossary's terms.

    scripts/web.sh browser -k vocabulary
"""

from __future__ import annotations

import uuid

from conftest import JFK, Browser
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

RUN = uuid.uuid4().hex[:8]
EMAIL = f"glossary-{RUN}@example.com"
TITLE = f"Vocabulary {RUN}"
GLOSSARY = ["Transcriptor", "Whisper"]


def test_vocabulary_glossary_and_languages(browser: Browser) -> None:
    browser.sign_up(EMAIL)

    # The form offers the model's languages only, and no translation (tiny.en has none).
    browser.press("New transcript")
    browser.heading("New transcript")
    select = browser.find("[data-testid=new-job-language]")
    browser.wait(lambda d: len(Select(select).options) == 2, 10, "the model's languages")
    assert [option.text.strip() for option in Select(select).options] == ["Detect automatically", "English"]
    assert [option.get_attribute("value") for option in Select(select).options] == ["auto", "en"]
    assert not browser.finds("[data-testid=new-job-translate]")

    # A glossary saved on the account page is there after a reload.
    browser.open("/account")
    browser.heading("Account")
    area = browser.find("[data-testid=glossary-input]")
    assert area.get_attribute("value") == ""
    area.send_keys(" Transcriptor \nWhisper\ntranscriptor")
    browser.click(browser.find("[data-testid=glossary-save]"))
    browser.wait(lambda d: "saved" in browser.find("[data-testid=glossary-status]").text, 10, "the glossary saved")
    status = browser.find("[data-testid=glossary-status]")
    assert [tag.text for tag in status.find_elements(By.CSS_SELECTOR, ".tag")] == GLOSSARY
    browser.screenshot("account-glossary")
    browser.driver.refresh()
    browser.heading("Account")
    browser.wait(lambda d: browser.find("[data-testid=glossary-input]").get_attribute("value") == "\n".join(GLOSSARY), 10, "the glossary kept")
    status, body = browser.api("GET", "/v1/me")
    assert status == 200 and body["vocabulary"] == GLOSSARY, body

    # A job with a word to expect: its own term first, then the glossary's.
    browser.press("New transcript")
    browser.heading("New transcript")
    browser.find("input[type=file]", timeout=5).send_keys(str(JFK))
    browser.fill("Title (optional)", TITLE)
    browser.find("[data-testid=new-job-vocabulary]").send_keys("Kennedy")
    speakers = browser.field("Identify speakers")
    if speakers.is_selected():
        browser.click(speakers)  # Quicker without.
    browser.screenshot("new-job-vocabulary")
    browser.press("Transcribe")
    job_id = browser.wait_path("/jobs/").split("/jobs/")[1]
    browser.heading(TITLE)
    expected = ["Kennedy", *GLOSSARY]
    assert browser.find("[data-testid=job-vocabulary]").text == "Words to expect: " + ", ".join(expected)
    status, job = browser.api("GET", f"/v1/jobs/{job_id}")
    assert status == 200, job
    assert job["options"]["vocabulary"] == expected, job["options"]
    assert job["options"].get("task", "transcribe") == "transcribe", job["options"]
    assert not browser.finds("[data-testid=job-translated]")
    assert browser.job_status_when_finished() == "done", browser.find("main").text
    browser.find(".transcript .word")
