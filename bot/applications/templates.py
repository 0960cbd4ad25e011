"""Blank forms the customer downloads, fills in and uploads again (参考模板).

The 《授权委托书》 an agent (经办人) brings for a 企业新装 is rendered once into the
published files and linked at a fixed URL (see :mod:`bot.files.published`).
The name carries a version: change it when the template's content changes, so a stored
older file is never served for the new one.
"""
from __future__ import annotations

from pathlib import Path

from bot.files.published import publish_once
from bot.reports.authorisation_pdf import render_authorisation_template

TEMPLATES_KIND = "templates"
AUTHORISATION_NAME = "shouquan-weituoshu-v01.pdf"  # [A-Za-z0-9_-]{22}.pdf, like every published name


def authorisation_template_url(files_dir: Path, public_url: str) -> str:
    """The download link of the 《授权委托书》 template (rendered on first use)."""
    return publish_once(files_dir, public_url, TEMPLATES_KIND, AUTHORISATION_NAME, render_authorisation_template)
