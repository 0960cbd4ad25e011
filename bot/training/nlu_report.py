"""Turn ``rasa test nlu`` result files into one readable Markdown report.

Reads ``intent_report.json``, every ``*Extractor_report.json`` / ``DIETClassifier_report.json``
(entities) and ``response_selection_report.json`` (FAQ) from a results folder.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUMMARY_ROWS = ("micro avg", "macro avg", "weighted avg", "accuracy")


@dataclass(frozen=True)
class NluScores:
    intent_accuracy: float
    intent_weighted_f1: float
    entity_weighted_f1: dict[str, float]  # per extractor
    faq_accuracy: float | None


def _load(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _table(report: dict[str, Any]) -> list[str]:
    rows = ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label, scores in sorted(report.items()):
        if label in SUMMARY_ROWS or not isinstance(scores, dict) or "precision" not in scores:
            continue
        rows.append(
            f"| {label} | {scores['precision']:.3f} | {scores['recall']:.3f} | "
            f"{scores['f1-score']:.3f} | {scores['support']} |"
        )
    return rows


def _accuracy(report: dict[str, Any]) -> float:
    if "accuracy" in report:
        return float(report["accuracy"])
    return float(report["micro avg"]["f1-score"])


def entity_reports(results: Path) -> dict[str, dict[str, Any]]:
    reports = {}
    for path in sorted(results.glob("*_report.json")):
        name = path.stem.removesuffix("_report")
        if name.endswith(("Extractor", "DIETClassifier")):
            reports[name] = _load(path) or {}
    return reports


def scores(results: Path) -> NluScores:
    intents = _load(results / "intent_report.json") or {}
    faq = _load(results / "response_selection_report.json")
    return NluScores(
        intent_accuracy=_accuracy(intents),
        intent_weighted_f1=float(intents["weighted avg"]["f1-score"]),
        entity_weighted_f1={
            name: float(report["weighted avg"]["f1-score"])
            for name, report in entity_reports(results).items() if "weighted avg" in report
        },
        faq_accuracy=_accuracy(faq) if faq else None,
    )


def write_report(results: Path, target: Path) -> NluScores:
    """Write the Markdown report to ``target`` and return the headline scores."""
    summary = scores(results)
    lines = [
        "# NLU evaluation on the held-out split (tests/nlu_heldout/)",
        "",
        "Written by `make test` / `make eval`; the model never sees these examples in training.",
        "",
        f"- Intent accuracy: **{summary.intent_accuracy:.3f}** (weighted F1 {summary.intent_weighted_f1:.3f})",
    ]
    lines += [f"- Entity weighted F1, {name}: **{f1:.3f}**" for name, f1 in summary.entity_weighted_f1.items()]
    if summary.faq_accuracy is not None:
        lines.append(f"- FAQ response selection accuracy: **{summary.faq_accuracy:.3f}**")
    lines += ["", "## Intents", "", *_table(_load(results / "intent_report.json") or {})]
    for name, report in entity_reports(results).items():
        lines += ["", f"## Entities — {name}", "", *_table(report)]
    faq = _load(results / "response_selection_report.json")
    if faq:
        lines += ["", "## FAQ (retrieval intent faq/*)", "", *_table(faq)]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return summary
