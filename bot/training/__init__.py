"""Training tooling: train only when the inputs changed, the generated router rules, the NLU report.

Modules not in ``__all__`` are internal to the package.
"""
__all__ = [
    "fingerprint",
    "nlu_report",
    "rules_generator",
]
