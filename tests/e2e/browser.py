"""Real headless Chromium for the web widget's tests, driven by Playwright for Python.

Playwright never downloads a browser here: it launches Debian's ``chromium`` (installed by
scripts/setup.sh) through ``executable_path``, or the one ``CHROMIUM_PATH`` names.
:class:`Widget` is the demo page (``GET /webhooks/webchat/``) as a user sees it: it reads and
clicks what is on the screen, by role and by the widget's class names, nothing else.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Playwright, sync_playwright

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu"]  # root in a container: no sandbox; no GPU here
DESKTOP = {"width": 1200, "height": 800}
PHONE = {"width": 375, "height": 740}
TURN_TIMEOUT_S = 60.0
SETTLE_S = 0.8  # a turn is over when no bot message has come for this long (and no typing indicator)


def launch_chromium(playwright: Playwright) -> Browser:
    if not CHROMIUM.is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: scripts/setup.sh installs Debian's chromium "
                    "(apt-get install chromium), or set CHROMIUM_PATH")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One browser for a test module (module scope: Playwright's loop is gone before the next module)."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


class Widget:
    """One browser profile (its own localStorage, hence its own chat) on the demo page."""

    def __init__(self, browser: Browser, rasa_url: str, viewport: dict[str, int] = DESKTOP) -> None:
        self.url = f"{rasa_url}/webhooks/webchat/"
        self.context: BrowserContext = browser.new_context(viewport=viewport, locale="zh-CN")
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []  # uncaught script errors: a test asserts there were none
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.set_default_timeout(TURN_TIMEOUT_S * 1000)

    def close(self) -> None:
        self.context.close()

    def load(self) -> None:
        self.page.goto(self.url)
        self.page.wait_for_selector(".sgw-launcher")

    def open(self) -> list[str]:
        """Load the page and open the chat; a new chat is greeted: the greeting's texts."""
        self.load()
        return self.turn(lambda: self.page.click(".sgw-launcher"))

    def bot_texts(self) -> list[str]:
        return [t for t in self.page.locator(".sgw-from-bot .sgw-bubble").all_text_contents() if t]

    def user_texts(self) -> list[str]:
        return self.page.locator(".sgw-from-user .sgw-bubble").all_text_contents()

    def _bot_rows(self) -> int:
        return self.page.locator(".sgw-from-bot").count()

    def turn(self, act: Callable[[], None]) -> list[str]:
        """Do ``act`` (send something); the texts of the bot messages it brought, once they stop coming."""
        before = self._bot_rows()
        act()
        deadline = time.monotonic() + TURN_TIMEOUT_S
        self.page.wait_for_function("n => document.querySelectorAll('.sgw-from-bot').length > n", arg=before)
        seen, quiet_since = self._bot_rows(), time.monotonic()
        while time.monotonic() - quiet_since < SETTLE_S or self.page.locator(".sgw-typing").is_visible():
            assert time.monotonic() < deadline, "the turn did not end"
            time.sleep(0.1)
            if (now := self._bot_rows()) != seen:
                seen, quiet_since = now, time.monotonic()
        rows = self.page.locator(".sgw-from-bot").all()[before:]
        return [t for row in rows if (t := row.locator(".sgw-bubble").text_content() or "")]

    def type(self, text: str) -> None:
        self.page.fill(".sgw-input", text)

    def say(self, text: str) -> list[str]:
        """Type ``text`` and press Enter, as a user does; the replies."""
        def act() -> None:
            self.type(text)
            self.page.press(".sgw-input", "Enter")

        return self.turn(act)

    def button(self, title: str, nth: int = -1) -> Locator:
        """The button ``title`` of the last bot message that has one (``nth``: which of them)."""
        return self.page.locator(".sgw-buttons").get_by_role("button", name=title, exact=True).nth(nth)

    def press(self, title: str) -> list[str]:
        return self.turn(lambda: self.button(title).click())

    def log_in(self, phone: str, code_of: Callable[[str], str]) -> list[str]:
        """Answer the login form's questions (phone, then the SMS code ``code_of(phone)`` reads)."""
        sent = self.say(phone)
        assert any("验证码已发送" in t for t in sent), sent
        return self.say(code_of(phone))

    def wait_for_bot_text(self, part: str) -> str:
        """The first bot message containing ``part``, once it is on the screen (e.g. a pushed one)."""
        bubble = self.page.locator(".sgw-from-bot .sgw-bubble", has_text=part).first
        bubble.wait_for()
        return bubble.text_content() or ""
