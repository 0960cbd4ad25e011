"""The widget's Origin check: its own origin, PUBLIC_URL's, and the configured ones only."""
from __future__ import annotations

import pytest

from bot.channels.webchat.origins import OriginPolicy, origin_of
from bot.settings import Settings

DEFAULT = OriginPolicy((), "http://127.0.0.1:5005")


@pytest.mark.parametrize(("origin", "host"), [
    ("http://127.0.0.1:5005", "127.0.0.1:5005"),  # the demo page, as opened
    ("http://localhost:5005", "localhost:5005"),  # the same server by another name
    ("https://chat.example.com", "chat.example.com"),  # behind a TLS proxy: default port both sides
    ("http://127.0.0.1:5005", "10.0.0.9:5005"),  # PUBLIC_URL's origin
    ("HTTP://127.0.0.1:5005", None),
])
def test_the_servers_own_and_the_public_origin_are_allowed(origin: str, host: str | None) -> None:
    assert DEFAULT.allows(origin, host)


@pytest.mark.parametrize(("origin", "host"), [
    ("http://evil.example", "127.0.0.1:5005"),
    ("http://127.0.0.1:5006", "127.0.0.1:5005"),  # another port is another origin
    ("https://127.0.0.1:5005.evil.example", "127.0.0.1:5005"),
    ("null", "127.0.0.1:5005"),  # a file:// page or a sandboxed frame
    ("not a url", "127.0.0.1:5005"),
    ("http://evil.example", None),
])
def test_other_pages_are_refused(origin: str, host: str | None) -> None:
    assert not DEFAULT.allows(origin, host)


def test_a_request_without_an_origin_comes_from_no_page_and_is_allowed() -> None:
    assert DEFAULT.allows(None, "127.0.0.1:5005")


def test_configured_origins_are_allowed_and_a_star_allows_any() -> None:
    listed = OriginPolicy(["https://www.example.com", " https://shop.example.com:8443/ "], "http://127.0.0.1:5005")
    assert listed.allows("https://www.example.com", "bot.example.net")
    assert listed.allows("https://www.example.com:443", "bot.example.net")
    assert listed.allows("https://shop.example.com:8443", "bot.example.net")
    assert not listed.allows("http://www.example.com", "bot.example.net")  # another scheme
    assert OriginPolicy(["*"], "http://127.0.0.1:5005").allows("http://evil.example", "127.0.0.1:5005")


def test_the_setting_is_a_comma_separated_list() -> None:
    env = {"WEBCHAT_ALLOWED_ORIGINS": "https://a.example, https://b.example:8443,,"}
    assert Settings.from_env(env).webchat_allowed_origins == ("https://a.example", "https://b.example:8443")
    assert Settings.from_env({}).webchat_allowed_origins == ()


def test_origins_are_normalised() -> None:
    assert origin_of("HTTPS://Example.COM:443/path?q") == "https://example.com"
    assert origin_of("http://example.com:8080") == "http://example.com:8080"
    assert origin_of("null") is None
