"""The widget's files: content types, caching, and the demo page's Content-Security-Policy."""
from __future__ import annotations

from pathlib import Path

from bot.channels.webchat.static import demo_page_policy, static_file


def test_the_demo_page_allows_only_this_servers_scripts_styles_and_connections(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<script src='widget.js'></script>", encoding="utf-8")
    page = static_file("", host="127.0.0.1:5005", public_url="https://bot.example.com", directory=tmp_path)
    assert page.status == 200 and page.content_type == "text/html; charset=utf-8"
    assert page.headers["Cache-Control"] == "no-cache" and page.headers["X-Content-Type-Options"] == "nosniff"
    policy = dict(
        (directive.split(" ", 1) + [""])[:2] for directive in page.headers["Content-Security-Policy"].split("; ")
    )
    assert policy["default-src"] == "'none'" and policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert policy["connect-src"].split() == [
        "'self'", "ws://127.0.0.1:5005", "wss://127.0.0.1:5005", "https://bot.example.com", "wss://bot.example.com",
    ]
    assert "https://bot.example.com" in policy["img-src"].split()


def test_the_script_and_style_are_cached_briefly_and_a_missing_file_is_a_404(tmp_path: Path) -> None:
    (tmp_path / "widget.js").write_text("(() => {})();", encoding="utf-8")
    script = static_file("widget.js", host=None, public_url="http://127.0.0.1:5005", directory=tmp_path)
    assert script.status == 200 and script.content_type == "text/javascript; charset=utf-8"
    assert script.headers["Cache-Control"] == "public, max-age=300" and "Content-Security-Policy" not in script.headers
    assert static_file("widget.css", host=None, public_url="http://127.0.0.1:5005", directory=tmp_path).status == 404


def test_without_a_host_the_policy_still_names_the_public_server() -> None:
    assert "connect-src 'self' http://127.0.0.1:5005 ws://127.0.0.1:5005" in demo_page_policy(None, "http://127.0.0.1:5005")
