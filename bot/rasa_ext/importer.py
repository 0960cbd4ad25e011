"""The project importer ``config.yml`` names: Rasa's file importer, with the domain in parts.

``rasa train``, ``rasa data validate`` and ``rasa test`` pass ``--domain domain.yml``; this
importer reads that entry file and every part in ``domain/`` beside it (bot.domain_files.domain_paths),
in a fixed order, so a part's keys reach Rasa exactly as if they stood in domain.yml.
"""
from __future__ import annotations

from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.importers.rasa import RasaFileImporter

from bot.domain_files import DOMAIN_FILE, check_domain_files, domain_paths


def project_domain(entry: Path = DOMAIN_FILE) -> Domain:
    """Rasa's Domain of ``entry`` and its parts; refused if a key is defined twice (Rasa only warns)."""
    check_domain_files(entry)
    return Domain.load([str(path) for path in domain_paths(entry)])


class ProjectImporter(RasaFileImporter):
    """Training data as Rasa's default importer reads it; the domain is domain.yml plus domain/."""

    def get_domain(self) -> Domain:
        entry = Path(self._domain_path) if self._domain_path else None
        if entry is None or not entry.is_file():
            return super().get_domain()
        return project_domain(entry)
