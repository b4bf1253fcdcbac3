"""Speaker labels in a real browser, end to end against the emulator: a two-speaker recording
uploaded with "Identify speakers" on, its transcript by speaker, a rename, the filter, and the text
download with the new name.

The recording is TWO_SPEAKER_AUDIO when that names a file (any format the service takes); else it is
the diarization fixture real-2spk-mm (two real men taking turns, 34 s: bench/diarization/make_fixtures.py).

The test has a user of its own, so it runs in any order with the other browser tests:

    scripts/web.sh browser -k speaker
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from conftest import Browser
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

RUN = uuid.uuid4().hex[:8]
DONE_TIMEOUT = 180  # Transcription and diarization of ~25 s; a cold function pool more.


def two_speaker_recording(folder: Path) -> Path:
    """TWO_SPEAKER_AUDIO, or the diarization fixture real-2spk-mm: the LibriVox reader and the
    pocketsphinx "dhd" speaker taking turns, 34 s, every turn known (bench/diarization/make_fixtures.py,
    made offline)."""
    given = os.environ.get("TWO_SPEAKER_AUDIO")
    if given:
        path = Path(given).resolve()
        assert path.is_file(), f"TWO_SPEAKER_AUDIO={given} is not a file"
        return path
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, str(root / "bench" / "diarization" / "make_fixtures.py"), str(folder / "fixtures"),
         "--offline", "--cache", str(root / ".venv" / "diarization-cache")],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return folder / "fixtures" / "real-2spk-mm.wav"


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


def turns(browser: Browser) -> list[tuple[str, str, str]]:
    """Each turn shown: (speaker id, name, colour class)."""
    return browser.driver.execute_script(
        "return [...document.querySelectorAll('.transcript .turn')].map((t) => ["
        "t.dataset.speaker, t.querySelector('.speaker-name')?.textContent ?? '',"
        "[...t.classList].find((c) => c.startsWith('speaker-')) ?? ''])"
    )


def filter_choices(browser: Browser) -> list[str]:
    return [label.text.strip() for label in browser.finds(".speaker-filter label")]


def test_speaker_labels_rename_filter_and_text_download(browser: Browser, tmp_path: Path) -> None:
    recording = two_speaker_recording(tmp_path)
    title = f"Two speakers {RUN}"
    browser.sign_up(f"speakers-{RUN}@example.com")

    # The form asks for speakers by default.
    browser.press("New transcript")
    browser.heading("New transcript")
    checkbox = browser.field("Identify speakers")
    assert checkbox.get_attribute("type") == "checkbox" and checkbox.is_selected(), "Identify speakers is on by default"
    browser.find("input[type=file]", timeout=5).send_keys(str(recording))
    browser.fill("Title (optional)", title)
    browser.screenshot("new-job-speakers")
    browser.press("Transcribe")
    job_id = browser.wait_path("/jobs/").split("/jobs/")[1]
    browser.heading(title)
    assert wait_until_finished(browser) == "done", browser.find("main").text
    status, job = browser.api("GET", f"/v1/jobs/{job_id}")
    assert status == 200 and job["options"].get("speakers") is True, job
    assert not job.get("warnings"), f"the speakers were not identified: {job.get('warnings')}"
    assert "Speaker labels" in browser.find("main .job-facts").text

    # Two speakers, each turn named, each speaker in a colour of its own.
    browser.wait(lambda d: len(turns(browser)) >= 2, 20, "the transcript's turns")
    shown = turns(browser)
    speakers = {speaker: (name, colour) for speaker, name, colour in shown}
    assert len(speakers) == 2, f"two speakers expected: {shown}"
    assert sorted(name for name, _ in speakers.values()) == ["Speaker 1", "Speaker 2"], shown
    assert len({colour for _, colour in speakers.values()}) == 2, f"one colour per speaker: {shown}"
    assert all(speaker and colour for speaker, _, colour in shown), shown
    assert filter_choices(browser) == ["All speakers", "Speaker 1", "Speaker 2"], filter_choices(browser)
    # (The radios are see-through over their chips: Selenium counts them as hidden, so not `find`.)
    assert browser.finds(".speaker-filter input[type=radio]")[0].is_selected(), "all speakers shown at first"
    second = next(speaker for speaker, (name, _) in speakers.items() if name == "Speaker 2")
    browser.screenshot("transcript-speakers")

    # A name the service would refuse is refused here first, with the rule.
    browser.press("Rename Speaker 2")
    field = browser.find("input[aria-label='New name for Speaker 2']")
    assert browser.driver.switch_to.active_element == field, "the name field takes focus"
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("x" * 61, Keys.ENTER)
    assert "at most 60 characters" in browser.find(".speaker-rename [role=alert]").text
    # Escape leaves the name as it was.
    field.send_keys(Keys.ESCAPE)
    browser.wait(lambda d: not browser.finds("input[aria-label='New name for Speaker 2']"), 5, "the field closed")

    # Rename in place: Enter saves, every turn of the speaker and the filter take the new name.
    browser.press("Rename Speaker 2")
    field = browser.find("input[aria-label='New name for Speaker 2']")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("  Grace Hopper ", Keys.ENTER)
    browser.wait(lambda d: {name for speaker, name, _ in turns(browser) if speaker == second} == {"Grace Hopper"}, 10, "the new name on the turns")
    assert "Speaker 2" not in [name for _, name, _ in turns(browser)]
    assert filter_choices(browser) == ["All speakers", "Speaker 1", "Grace Hopper"], filter_choices(browser)
    assert {speaker: colour for speaker, _, colour in turns(browser)} == {speaker: colour for speaker, (_, colour) in speakers.items()}, "colours kept"
    status, transcript = browser.api("GET", f"/v1/jobs/{job_id}/transcript?format=json")
    assert status == 200 and {"id": second, "name": "Grace Hopper"} in transcript["speakers"], transcript.get("speakers")

    # Only Grace Hopper's turns.
    browser.choose("Grace Hopper")
    browser.wait(lambda d: {speaker for speaker, _, _ in turns(browser)} == {second}, 5, "only Grace Hopper's turns")
    chosen = browser.find(".speaker-filter label.is-selected")
    assert chosen.text.strip() == "Grace Hopper" and chosen.find_element(By.CSS_SELECTOR, "input").is_selected()
    browser.screenshot("transcript-speaker-filter")
    # Seeking still works on the turns shown.
    word = browser.finds(".transcript .word")[0]
    start = float(word.get_attribute("data-start"))
    browser.click(word)
    browser.wait(lambda d: abs(d.execute_script("return document.querySelector('audio').currentTime") - start) < 1.0, 5, "seek to the clicked word")
    browser.driver.execute_script("document.querySelector('audio').pause()")
    browser.choose("All speakers")
    browser.wait(lambda d: len({speaker for speaker, _, _ in turns(browser)}) == 2, 5, "both speakers again")

    # The text download, fetched after the rename, has the new name.
    browser.click(browser.find("button[data-format=txt]"))
    text = browser.wait_download(f"{title}.txt").read_text()
    assert "Grace Hopper: " in text, text
    assert "Speaker 1: " in text and "Speaker 2" not in text, text
