"""The CJK font that charts and PDFs draw Chinese with (installed by ``scripts/setup.sh``).

Without it matplotlib falls back to DejaVu Sans and draws boxes (豆腐块) for every
Chinese character, so a missing font is an error, never a silent fallback.
matplotlib is imported only by the chart helpers, so PDF rendering does not load it.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

ENV_VAR = "CJK_FONT_PATH"
DEBIAN_PACKAGE = "fonts-wqy-microhei"
# TrueType outlines first: fpdf2 embeds them as a subset and matplotlib reads face 0 of a .ttc.
KNOWN_PATHS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),  # fonts-wqy-microhei
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),  # fonts-wqy-zenhei
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),  # fonts-arphic-uming
)

_registered: set[Path] = set()
_register_lock = threading.Lock()


class CjkFontMissing(FileNotFoundError):
    """No CJK font file: install Debian's fonts-wqy-microhei or set CJK_FONT_PATH."""


def cjk_font_path() -> Path:
    """The font file to draw Chinese with: ``$CJK_FONT_PATH`` if set, else the first known Debian path."""
    override = os.environ.get(ENV_VAR)
    candidates = (Path(override),) if override else KNOWN_PATHS
    for path in candidates:
        if path.is_file():
            return path
    looked_at = ", ".join(map(str, candidates))
    raise CjkFontMissing(
        f"no CJK font file found (looked at: {looked_at}); install the Debian package {DEBIAN_PACKAGE} "
        f"(`make setup` does) or set {ENV_VAR} to a TrueType font file with Chinese glyphs"
    )


def _register_with_matplotlib(path: Path) -> None:
    """Add the file to matplotlib's font list once, so its family name also resolves."""
    from matplotlib import font_manager

    with _register_lock:
        if path not in _registered:
            font_manager.fontManager.addfont(str(path))
            _registered.add(path)


def cjk_font_properties(size: float | None = None) -> FontProperties:
    """A new FontProperties bound to the CJK font *file*, so no family lookup can fall back to DejaVu."""
    from matplotlib.font_manager import FontProperties

    path = cjk_font_path()
    _register_with_matplotlib(path)
    return FontProperties(fname=str(path), size=size)


def cjk_font_family() -> str:
    """The CJK font's family name (e.g. ``WenQuanYi Micro Hei``), registered with matplotlib."""
    return cjk_font_properties().get_name()
