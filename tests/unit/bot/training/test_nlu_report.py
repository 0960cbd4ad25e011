"""The Markdown report built from ``rasa test nlu`` result files."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.training.nlu_report import NluScores, scores, write_report


def _row(precision: float, recall: float, f1: float, support: int) -> dict[str, float | int]:
    return {"precision": precision, "recall": recall, "f1-score": f1, "support": support}


INTENTS: dict[str, Any] = {
    "greet": _row(1.0, 0.9, 0.947, 10),
    "query_bill": _row(0.8, 1.0, 0.889, 8),
    "nlu_fallback": _row(0.5, 0.25, 0.333, 4),
    "accuracy": 0.8636,
    "macro avg": _row(0.767, 0.717, 0.723, 22),
    "weighted avg": _row(0.846, 0.864, 0.845, 22),
}
DIET: dict[str, Any] = {
    "account_number": _row(0.95, 0.9, 0.924, 20),
    "amount": _row(0.7, 0.7, 0.7, 10),
    "micro avg": _row(0.867, 0.833, 0.85, 30),
    "macro avg": _row(0.825, 0.8, 0.812, 30),
    "weighted avg": _row(0.867, 0.833, 0.849, 30),
}
REGEX: dict[str, Any] = {
    "phone": _row(1.0, 1.0, 1.0, 6),
    "micro avg": _row(1.0, 1.0, 1.0, 6),
    "macro avg": _row(1.0, 1.0, 1.0, 6),
    "weighted avg": _row(1.0, 1.0, 1.0, 6),
}
FAQ: dict[str, Any] = {  # no "accuracy": sklearn writes "micro avg" when labels are a subset
    "faq/what_is_95598": _row(1.0, 1.0, 1.0, 3),
    "faq/tiered_pricing": _row(0.5, 1.0, 0.667, 2),
    "micro avg": _row(0.8, 0.8, 0.8, 5),
    "macro avg": _row(0.75, 1.0, 0.833, 5),
    "weighted avg": _row(0.8, 1.0, 0.867, 5),
}


def _write(folder: Path, name: str, report: dict[str, Any]) -> None:
    (folder / name).write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def results(tmp_path: Path) -> Path:
    folder = tmp_path / "results"
    folder.mkdir()
    _write(folder, "intent_report.json", INTENTS)
    _write(folder, "DIETClassifier_report.json", DIET)
    _write(folder, "RegexEntityExtractor_report.json", REGEX)
    _write(folder, "response_selection_report.json", FAQ)
    _write(folder, "story_report.json", {"weighted avg": _row(0.1, 0.1, 0.1, 1)})  # not NLU
    return folder


def _section(report: str, heading: str) -> list[str]:
    """The table rows (not header or separator) under ``heading``."""
    lines = report.split("\n")
    start = lines.index(heading)
    rows = []
    for line in lines[start + 1:]:
        if line.startswith("## "):
            break
        if line.startswith("| ") and not line.startswith("| label "):
            rows.append(line)
    return rows


def test_scores_reads_the_headline_numbers(results: Path) -> None:
    assert scores(results) == NluScores(
        intent_accuracy=0.8636,
        intent_weighted_f1=0.845,
        entity_weighted_f1={"DIETClassifier": 0.849, "RegexEntityExtractor": 1.0},
        faq_accuracy=0.8,  # the micro-average F1 stands in for accuracy
    )


def test_without_faq_results_there_is_no_faq_score(results: Path, tmp_path: Path) -> None:
    (results / "response_selection_report.json").unlink()
    summary = write_report(results, tmp_path / "report.md")
    assert summary.faq_accuracy is None
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "FAQ" not in text


def test_an_entity_report_without_a_weighted_average_has_no_headline(results: Path) -> None:
    _write(results, "RegexEntityExtractor_report.json", {})
    assert scores(results).entity_weighted_f1 == {"DIETClassifier": 0.849}


def test_write_report_writes_markdown_with_headlines_and_one_row_per_label(results: Path, tmp_path: Path) -> None:
    target = tmp_path / "reports" / "nlu_evaluation.md"  # the folder does not exist yet
    summary = write_report(results, target)
    assert summary == scores(results)

    text = target.read_text(encoding="utf-8")
    assert text.startswith("# NLU evaluation on the held-out split")
    assert "- Intent accuracy: **0.864** (weighted F1 0.845)" in text
    assert "- Entity weighted F1, DIETClassifier: **0.849**" in text
    assert "- Entity weighted F1, RegexEntityExtractor: **1.000**" in text
    assert "- FAQ response selection accuracy: **0.800**" in text
    assert "story" not in text

    assert _section(text, "## Intents") == [
        "| greet | 1.000 | 0.900 | 0.947 | 10 |",
        "| nlu_fallback | 0.500 | 0.250 | 0.333 | 4 |",
        "| query_bill | 0.800 | 1.000 | 0.889 | 8 |",
    ]
    assert _section(text, "## Entities — DIETClassifier") == [
        "| account_number | 0.950 | 0.900 | 0.924 | 20 |",
        "| amount | 0.700 | 0.700 | 0.700 | 10 |",
    ]
    assert _section(text, "## Entities — RegexEntityExtractor") == ["| phone | 1.000 | 1.000 | 1.000 | 6 |"]
    assert _section(text, "## FAQ (retrieval intent faq/*)") == [
        "| faq/tiered_pricing | 0.500 | 1.000 | 0.667 | 2 |",
        "| faq/what_is_95598 | 1.000 | 1.000 | 1.000 | 3 |",
    ]
    for summary_row in ("accuracy", "micro avg", "macro avg", "weighted avg"):
        assert f"| {summary_row} |" not in text
    assert text.count("|---|---|---|---|---|") == 4

