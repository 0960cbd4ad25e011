"""Charts and invoices published at unguessable URLs, and nothing else served from the file store."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.services.published_files import content_type_of, publish, published_path

BASE = "http://127.0.0.1:5005"


def test_a_published_file_gets_a_random_url_that_leads_back_to_it(tmp_path: Path) -> None:
    first = publish(tmp_path, BASE, "charts", b"\x89PNG chart")
    second = publish(tmp_path, BASE, "charts", b"\x89PNG chart")
    assert first != second
    assert first.startswith(f"{BASE}/webhooks/files/charts/") and first.endswith(".png")
    kind, name = first.rsplit("/", 2)[-2:]
    path = published_path(tmp_path, kind, name)
    assert path is not None and path.read_bytes() == b"\x89PNG chart"
    assert content_type_of(path) == "image/png"
    invoice = publish(tmp_path, BASE, "invoices", b"%PDF-")
    assert content_type_of(published_path(tmp_path, *invoice.rsplit("/", 2)[-2:])) == "application/pdf"


def test_an_unknown_kind_cannot_be_published(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        publish(tmp_path, BASE, "uploads", b"x")


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
