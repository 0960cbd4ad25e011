"""Charts, invoices and receipts are served by signed links that expire; nothing else is
served from the file store. The route is tested on a real Sanic server on loopback."""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.applications.templates import authorisation_template_url
from bot.clock import FileClock, FixedClock
from bot.files.published import (
    Access,
    content_type_of,
    expired_files,
    look_up,
    publish,
    published_path,
)
from bot.settings import Settings
from tests.unit.conftest import FIXED_NOW

BASE = "http://127.0.0.1:5005"
SECRET = "file-url-secret-for-tests"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(files_dir=tmp_path, public=BASE, file_url_secret=SECRET, published_file_ttl_hours=24)


def parts(url: str) -> tuple[str, str]:
    kind, name = url.rsplit("/", 2)[-2:]
    return kind, name


def test_a_published_file_gets_a_random_signed_url_that_leads_back_to_it(settings: Settings) -> None:
    clock = FixedClock(FIXED_NOW)
    first = publish(settings, clock, "charts", b"\x89PNG chart")
    second = publish(settings, clock, "charts", b"\x89PNG chart")
    assert first != second
    assert first.startswith(f"{BASE}/webhooks/files/charts/") and first.endswith(".png")
    found = look_up(settings, clock.now(), *parts(first))
    assert found.access is Access.SERVE and found.path is not None
    assert found.path.read_bytes() == b"\x89PNG chart" and content_type_of(found.path) == "image/png"
    assert published_path(settings.files_dir, *parts(first)) == found.path
    invoice = publish(settings, clock, "invoices", b"%PDF-")
    assert content_type_of(look_up(settings, clock.now(), *parts(invoice)).path) == "application/pdf"


def test_a_link_works_for_24_hours_then_is_gone(settings: Settings) -> None:
    clock = FixedClock(FIXED_NOW)
    kind, name = parts(publish(settings, clock, "invoices", b"%PDF-"))
    clock.advance(timedelta(hours=23, minutes=59))
    assert look_up(settings, clock.now(), kind, name).access is Access.SERVE
    clock.advance(timedelta(minutes=1))
    assert look_up(settings, clock.now(), kind, name).access is Access.GONE
    shorter = replace(settings, published_file_ttl_hours=1)
    kind, name = parts(publish(shorter, clock, "charts", b"\x89PNG"))
    clock.advance(timedelta(hours=1))
    assert look_up(shorter, clock.now(), kind, name).access is Access.GONE


def _tampered(name: str) -> list[str]:
    token, expires, signature, extension = name.split(".")
    later = str(int(expires) + 86_400)
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return [
        f"{token}.{later}.{signature}.{extension}",  # expiry moved on
        f"{token}.{expires}.{flipped}.{extension}",  # signature changed
        f"{'A' * 22}.{expires}.{signature}.{extension}",  # another file, same signature
        f"{token}.{extension}",  # no signature at all (how links looked before)
        f"{token}.{expires}.{extension}",  # expiry without signature
    ]


def test_tampered_links_are_refused(settings: Settings) -> None:
    clock = FixedClock(FIXED_NOW)
    kind, name = parts(publish(settings, clock, "invoices", b"%PDF-"))
    for forged in _tampered(name):
        assert look_up(settings, clock.now(), kind, forged).access is Access.FORBIDDEN, forged
    # The same name under another kind, and the right name signed with another secret.
    assert look_up(settings, clock.now(), "charts", name.replace(".pdf", ".png")).access is Access.FORBIDDEN
    assert look_up(replace(settings, file_url_secret="another"), clock.now(), kind, name).access is Access.FORBIDDEN


def test_a_wrong_signature_is_refused_before_the_expiry_is_looked_at(settings: Settings) -> None:
    """An expired link with a forged signature gets 403, not 410: nothing is revealed."""
    clock = FixedClock(FIXED_NOW)
    kind, name = parts(publish(settings, clock, "charts", b"\x89PNG"))
    clock.advance(timedelta(days=2))
    assert look_up(settings, clock.now(), kind, name).access is Access.GONE
    for forged in _tampered(name):
        assert look_up(settings, clock.now(), kind, forged).access is Access.FORBIDDEN


def test_templates_are_public_and_do_not_expire(settings: Settings) -> None:
    url = authorisation_template_url(settings.files_dir, BASE)
    clock = FixedClock(FIXED_NOW + timedelta(days=3650))
    found = look_up(settings, clock.now(), *parts(url))
    assert found.access is Access.SERVE and found.path is not None
    with pytest.raises(KeyError):
        publish(settings, clock, "templates", b"%PDF-")


def test_an_unknown_kind_cannot_be_published(settings: Settings) -> None:
    with pytest.raises(KeyError):
        publish(settings, FixedClock(FIXED_NOW), "uploads", b"x")


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("charts", "../../app.db"),
        ("uploads", "AAAAAAAAAAAAAAAAAAAAAA.png"),
        ("charts", "AAAAAAAAAAAAAAAAAAAAAA.pdf"),  # an invoice name under charts
        ("charts", "AAAAAAAAAAAAAAAAAAAAAA.png"),  # well-formed but never published
        ("charts", ".png"),
    ],
)
def test_anything_else_is_not_found(tmp_path: Path, kind: str, name: str) -> None:
    (tmp_path / "published" / "charts").mkdir(parents=True)
    (tmp_path / "app.db").write_bytes(b"secret")
    assert published_path(tmp_path, kind, name) is None


def test_expired_and_unsigned_files_are_listed_for_purging(settings: Settings) -> None:
    clock = FixedClock(FIXED_NOW)
    old = look_up(settings, clock.now(), *parts(publish(settings, clock, "charts", b"\x89PNG"))).path
    clock.advance(timedelta(hours=12))
    fresh = look_up(settings, clock.now(), *parts(publish(settings, clock, "invoices", b"%PDF-"))).path
    legacy = settings.files_dir / "published" / "invoices" / ("B" * 22 + ".pdf")
    legacy.write_bytes(b"%PDF- from before links were signed")
    template = look_up(settings, clock.now(), *parts(authorisation_template_url(settings.files_dir, BASE))).path
    clock.advance(timedelta(hours=12))
    assert sorted(expired_files(settings.files_dir, clock.now())) == sorted([old, legacy])
    assert fresh is not None and template is not None and fresh.exists() and template.exists()


# --- the route, on a real Sanic server -----------------------------------------------


@pytest.fixture
def route_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Settings, Path]]:
    """bot.container.services() as the Rasa server builds it, with a file clock the test moves."""
    from bot.container import services

    clock_file = tmp_path / "now"
    FileClock.write(clock_file, FIXED_NOW)
    for name, value in {"FILES_DIR": str(tmp_path / "files"), "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
                        "FILE_URL_SECRET": SECRET, "BOT_CLOCK_FILE": str(clock_file)}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BOT_FIXED_NOW", raising=False)
    services.cache_clear()
    try:
        yield services().settings, clock_file
    finally:
        services().session_factory.dispose()
        services.cache_clear()


async def _get(path: str, clock_file: Path, *, later: timedelta | None = None) -> list[tuple[int, bytes, str]]:
    from bot.channels.published import PublishedFilesInput
    from tests.unit.sanic_loopback import new_app, serving

    app = new_app("published")
    app.blueprint(PublishedFilesInput().blueprint(lambda _message: None), url_prefix="/webhooks/files")
    results = []
    async with serving(app) as base, aiohttp.ClientSession() as http:
        for step in (None, later):
            if step is not None:
                FileClock.write(clock_file, FileClock(clock_file).now() + step)
            async with http.get(base + path) as answer:
                results.append((answer.status, await answer.read(), answer.headers.get("Cache-Control", "")))
            if later is None:
                break
    return results


def test_the_route_serves_a_fresh_link_and_refuses_it_once_expired(route_env: tuple[Settings, Path]) -> None:
    settings, clock_file = route_env
    url = publish(settings, FileClock(clock_file), "invoices", b"%PDF- invoice")
    path = url.removeprefix(settings.public_url)
    [fresh, expired] = asyncio.run(_get(path, clock_file, later=timedelta(hours=24)))
    assert fresh == (200, b"%PDF- invoice", "private, no-store")
    assert expired[0] == 410 and b"invoice" not in expired[1]


def test_the_route_refuses_tampered_links_revealing_nothing(route_env: tuple[Settings, Path]) -> None:
    settings, clock_file = route_env
    url = publish(settings, FileClock(clock_file), "charts", b"\x89PNG chart")
    kind, name = parts(url)
    never = _tampered(name)[2]  # no such file: the answer is the same as for one that exists
    answers = [asyncio.run(_get(f"/webhooks/files/{kind}/{forged}", clock_file))[0]
               for forged in [*_tampered(name), never]]
    assert {(status, body) for status, body, _ in answers} == {(403, b'{"error":"forbidden"}')}


def test_the_route_still_serves_the_public_template(route_env: tuple[Settings, Path]) -> None:
    settings, clock_file = route_env
    url = authorisation_template_url(settings.files_dir, settings.public_url)
    [(status, body, cache)] = asyncio.run(_get(url.removeprefix(settings.public_url), clock_file))
    assert status == 200 and body.startswith(b"%PDF-") and cache.startswith("public")
    [(missing, _, _)] = asyncio.run(_get("/webhooks/files/templates/" + "A" * 22 + ".pdf", clock_file))
    assert missing == 404

