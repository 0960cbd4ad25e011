"""The 《授权委托书》 template: one PDF rendered once, at a fixed URL the file route serves."""
from __future__ import annotations

import asyncio
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.applications import templates
from bot.applications.templates import AUTHORISATION_NAME, authorisation_template_url
from bot.files import published as published_files
from bot.files.published import publish_once, published_path
from bot.reports.authorisation_pdf import render_authorisation_template

BASE = "http://127.0.0.1:5005"
URL = f"{BASE}/webhooks/files/templates/{AUTHORISATION_NAME}"


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_authorisation_template()


def test_the_template_is_a_one_page_pdf_with_the_blanks(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = "".join(reader.pages[0].extract_text().split())
    for blank in ("授权委托书", "委托人（单位名称）：", "受托人（经办人）：", "身份证号：",
                  "委托事项：低压非居民企业新装", "委托期限：自", "单位盖章", "签字", "日期："):
        assert blank in text, blank
    assert render_authorisation_template() == pdf  # the same bytes every time


def test_the_url_is_fixed_and_leads_to_the_file(tmp_path: Path, pdf: bytes) -> None:
    assert authorisation_template_url(tmp_path, BASE) == URL
    assert authorisation_template_url(tmp_path, BASE) == URL
    kind, name = URL.rsplit("/", 2)[-2:]
    path = published_path(tmp_path, kind, name)
    assert path is not None and path.read_bytes() == pdf
    assert published_files.content_type_of(path) == "application/pdf"
    assert [p.name for p in path.parent.iterdir()] == [AUTHORISATION_NAME]  # no temporary files left


def test_a_second_call_does_not_render_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    authorisation_template_url(tmp_path, BASE)
    stored = tmp_path / "published" / "templates" / AUTHORISATION_NAME
    before = stored.stat().st_mtime_ns

    def must_not_render() -> bytes:
        raise AssertionError("rendered twice")

    monkeypatch.setattr(templates, "render_authorisation_template", must_not_render)
    assert authorisation_template_url(tmp_path, BASE) == URL
    assert stored.stat().st_mtime_ns == before


def test_racing_renderers_leave_one_whole_file(tmp_path: Path) -> None:
    barrier = threading.Barrier(4)
    calls: list[int] = []

    def render() -> bytes:
        calls.append(1)
        barrier.wait(timeout=5)  # all four found no file and render at once
        return b"%PDF-" + b"x" * 100_000

    with ThreadPoolExecutor(4) as pool:
        urls = list(pool.map(lambda _: publish_once(tmp_path, BASE, "templates", AUTHORISATION_NAME, render), range(4)))
    assert set(urls) == {URL} and len(calls) == 4
    folder = tmp_path / "published" / "templates"
    assert [p.name for p in folder.iterdir()] == [AUTHORISATION_NAME]
    assert (folder / AUTHORISATION_NAME).read_bytes() == b"%PDF-" + b"x" * 100_000


def test_a_failed_render_leaves_nothing(tmp_path: Path) -> None:
    def broken() -> bytes:
        raise RuntimeError("no font")

    with pytest.raises(RuntimeError):
        publish_once(tmp_path, BASE, "templates", AUTHORISATION_NAME, broken)
    assert list((tmp_path / "published" / "templates").iterdir()) == []
    assert published_path(tmp_path, "templates", AUTHORISATION_NAME) is None


@pytest.mark.parametrize(
    ("kind", "name"),
    [("templates", "../invoices/AAAAAAAAAAAAAAAAAAAAAA.pdf"), ("templates", "授权委托书.pdf"),
     ("templates", "shouquan-weituoshu-v01.png"), ("templates", "short.pdf"), ("uploads", AUTHORISATION_NAME)],
)
def test_fixed_names_have_the_shape_of_published_ones(tmp_path: Path, kind: str, name: str) -> None:
    with pytest.raises((ValueError, KeyError)):
        publish_once(tmp_path, BASE, kind, name, lambda: b"%PDF-")
    assert not (tmp_path / "published").exists() or not any((tmp_path / "published").rglob("*"))


def test_the_file_route_serves_the_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pdf: bytes) -> None:
    from bot.channels.published import PublishedFilesInput  # imports rasa and sanic
    from bot.container import services

    monkeypatch.setenv("FILES_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    services.cache_clear()
    try:
        url = authorisation_template_url(services().settings.files_dir, services().settings.public_url)
        [route] = PublishedFilesInput().blueprint(lambda _message: None)._future_routes
        kind, name = url.rsplit("/", 2)[-2:]
        served = asyncio.run(route.handler(None, kind, name))
        assert (served.status, served.content_type, served.body) == (200, "application/pdf", pdf)
        missing = asyncio.run(route.handler(None, kind, "AAAAAAAAAAAAAAAAAAAAAA.pdf"))
        assert missing.status == 404
    finally:
        services().session_factory.dispose()
        services.cache_clear()
