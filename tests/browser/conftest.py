"""Fixtures of the browser tests: headless Chromium driven by Selenium against a running emulator.

Run through `scripts/web.sh browser`, which starts a fresh emulator whose gateway is also the
template's WebOrigin and passes it as `--gateway`. Nothing here reaches beyond this machine: the
links the tests submit point at a local HTTP server (`media_server`).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import threading
import time
import urllib.error
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[2]
JFK = REPO.parent / "shared" / "testdata" / "audio" / "jfk.wav"
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", REPO / "test-artifacts" / "screenshots"))
VIEWPORTS = {"desktop": (1280, 800, False), "phone": (390, 844, True)}
PASSWORD = "a long passphrase for tests"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--gateway", required=True, help="The emulator's gateway URL (also its WebOrigin).")


class Browser:
    """The driver with the app's vocabulary: open a page, fill a labelled field, press a button, take screenshots."""

    def __init__(self, driver: webdriver.Chrome, gateway: str, downloads: Path) -> None:
        self.driver = driver
        self.gateway = gateway.rstrip("/")
        self.downloads = downloads

    # Navigation and waiting

    def open(self, path: str) -> None:
        self.driver.get(self.gateway + path)

    def path(self) -> str:
        return self.driver.execute_script("return location.pathname + location.search")

    def wait(self, condition, timeout: float = 15, message: str = ""):
        def safe(driver):
            try:
                return condition(driver)
            except StaleElementReferenceException:
                return False

        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(safe)
        except TimeoutException:
            raise AssertionError(f"timed out: {message or condition} (at {self.path()})") from None

    def find(self, css: str, timeout: float = 15) -> WebElement:
        return self.wait(lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()), None), timeout, f"element {css}")

    def finds(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def wait_path(self, prefix: str, timeout: float = 15) -> str:
        self.wait(lambda d: self.path().startswith(prefix), timeout, f"path {prefix}")
        return self.path()

    def job_status_when_finished(self, timeout: float = 90) -> str:
        """The job page's status once the job is done or failed (jfk.wav takes seconds; a cold function pool more)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            badges = self.finds("main .job-facts [data-status]")
            status = badges[0].get_attribute("data-status") if badges else None
            if status in ("done", "failed"):
                return status
            time.sleep(0.1)
        raise AssertionError(f"the job did not finish in {timeout} s")

    def heading(self, text: str, timeout: float = 15) -> WebElement:
        return self.wait(
            lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, "main h1") if e.text.strip() == text), None), timeout, f"heading {text!r}"
        )

    # Forms

    def field(self, label: str) -> WebElement:
        """The control a visible label names."""

        def lookup(driver):
            for element in driver.find_elements(By.XPATH, f"//label[normalize-space()='{label}' or normalize-space(text())='{label}']"):
                target = element.get_attribute("for")
                if target and element.is_displayed():
                    return driver.find_element(By.ID, target)
            return None

        return self.wait(lookup, 10, f"field labelled {label!r}")

    def fill(self, label: str, value: str) -> None:
        element = self.field(label)
        element.clear()
        element.send_keys(value)

    def button(self, name: str, timeout: float = 10) -> WebElement:
        """A visible, enabled button or link whose text or accessible label is `name`."""
        xpath = f"//*[self::button or self::a][normalize-space()='{name}' or @aria-label='{name}']"
        return self.wait(lambda d: next((e for e in d.find_elements(By.XPATH, xpath) if e.is_displayed() and e.is_enabled()), None), timeout, f"button {name!r}")

    def press(self, name: str) -> None:
        self.click(self.button(name))

    def click(self, element: WebElement, timeout: float = 8) -> None:
        """Clicks like a person, waiting out what covers the element for a moment (a toast)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                element.click()
                return
            except ElementClickInterceptedException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def choose(self, label: str) -> None:
        """Picks the radio button or checkbox a label wraps, by clicking its label."""
        xpath = f"//label[normalize-space()='{label}'][.//input]"
        self.click(self.wait(lambda d: next((e for e in d.find_elements(By.XPATH, xpath) if e.is_displayed()), None), 10, f"choice {label!r}"))

    def alert_text(self, timeout: float = 15) -> str:
        return self.find("[role=alert]", timeout).text.strip()

    # The session and the API, for checks beside the UI

    def session(self) -> dict | None:
        raw = self.driver.execute_script("return localStorage.getItem('transcriptor.session')")
        return json.loads(raw) if raw else None

    def api(self, method: str, path: str, token: str | None = None, body: dict | None = None, headers: dict | None = None) -> tuple[int, dict | None]:
        status, _, text = self.request(method, path, token, body, headers)
        return status, json.loads(text) if text else None

    def request(
        self, method: str, path: str, token: str | None = None, body: dict | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """A call of the API beside the UI, with the session's token unless given one: (status, headers, body)."""
        token = token or (self.session() or {}).get("accessToken")
        request = urllib.request.Request(self.gateway + path, method=method, data=json.dumps(body).encode() if body is not None else None)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
        except urllib.error.HTTPError as error:
            return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()

    def mail_to(self, address: str) -> list[dict]:
        with urllib.request.urlopen(self.gateway + "/_local/mail.json", timeout=10) as response:
            return [mail for mail in json.load(response) if address in mail.get("to", [])]

    def sign_up(self, email: str, password: str = PASSWORD) -> None:
        self.sign_out()
        self.open("/signup")
        self.heading("Create your account")
        self.fill("Email", email)
        self.fill("Password", password)
        self.press("Create account")
        self.heading("Transcripts")

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        """Signs in as `email` unless this browser already is."""
        session = self.session()
        if session and session["user"]["email"] == email:
            return
        self.sign_out()
        self.open("/login")
        self.fill("Email", email)
        self.fill("Password", password)
        self.press("Sign in")
        self.heading("Transcripts")

    def sign_out(self) -> None:
        if not self.driver.current_url.startswith(self.gateway):
            self.open("/login")
        self.driver.execute_script("localStorage.clear(); sessionStorage.clear()")
        # The refresh cookie (HttpOnly, Path=/v1/auth): no script can clear it, the browser can.
        self.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})

    def cookies(self) -> list[dict]:
        """Every cookie the browser holds, HttpOnly ones and other paths' included (which no page script sees)."""
        return self.driver.execute_cdp_cmd("Network.getAllCookies", {})["cookies"]

    def stored_text(self) -> str:
        """Everything page scripts can read of what this origin stored: localStorage, sessionStorage, document.cookie."""
        return self.driver.execute_script(
            "const dump = (s) => Array.from({ length: s.length }, (_, i) => s.key(i) + '=' + s.getItem(s.key(i))).join('\\n');"
            "return [dump(localStorage), dump(sessionStorage), document.cookie].join('\\n')"
        )

    def csp_violations(self) -> list[str]:
        """The Content-Security-Policy violations the console reported since the last call."""
        return [
            entry["message"]
            for entry in self.driver.get_log("browser")
            if "Content Security Policy" in entry["message"] or "Content-Security-Policy" in entry["message"]
        ]

    # Artifacts

    def screenshot(self, name: str) -> None:
        """Saves the page at desktop and phone widths (test-artifacts/screenshots/NAME-desktop.png, -phone.png)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for label, (width, height, mobile) in VIEWPORTS.items():
            self.viewport(width, height, mobile)
            time.sleep(0.25)  # Layout and transitions settle.
            self.driver.save_screenshot(str(SCREENSHOTS / f"{name}-{label}.png"))
        self.viewport(*VIEWPORTS["desktop"])

    def viewport(self, width: int, height: int, mobile: bool) -> None:
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}
        )

    def wait_download(self, filename: str, timeout: float = 15) -> Path:
        path = self.downloads / filename
        self.wait(lambda d: path.exists() and path.stat().st_size > 0 and not (self.downloads / (filename + ".crdownload")).exists(), timeout, f"download {filename}")
        return path


@pytest.fixture(scope="session")
def gateway(request: pytest.FixtureRequest) -> str:
    return request.config.getoption("--gateway")


@pytest.fixture(scope="session")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="session")
def browser(gateway: str, downloads: Path):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in (
        "--headless=new",
        "--no-sandbox",  # Root in CI.
        "--disable-dev-shm-usage",
        "--window-size=1280,800",
        "--autoplay-policy=no-user-gesture-required",
        "--mute-audio",
        "--disable-extensions",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--lang=en-US",
    ):
        options.add_argument(argument)
    # The console, read after every test: a CSP violation is a failure.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False, "intl.accept_languages": "en-US"}
    )
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    wrapped = Browser(driver, gateway, downloads)
    wrapped.viewport(*VIEWPORTS["desktop"])
    try:
        yield wrapped
    finally:
        driver.quit()


@pytest.fixture(autouse=True)
def no_csp_violations(request: pytest.FixtureRequest):
    """After each test that drove the browser: the console reported no Content-Security-Policy violation."""
    yield
    if "browser" in request.fixturenames:
        browser: Browser = request.getfixturevalue("browser")
        violations = browser.csp_violations()
        assert not violations, f"CSP violations: {violations}"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def media_server(tmp_path_factory: pytest.TempPathFactory):
    """An HTTP server on 127.0.0.1 serving jfk.wav, for link submissions."""
    root = tmp_path_factory.mktemp("media")
    shutil.copy(JFK, root / "jfk.wav")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
