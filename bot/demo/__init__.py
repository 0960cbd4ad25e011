"""Demo data, laid out relative to today (``python -m bot seed``): people, accounts, bills,
appointment slots and the demo bank, seeded by :func:`bot.demo.seed.seed_demo_data`.

Only commands import this package; runtime code never does (``tests/unit/test_architecture.py``).
Modules not in ``__all__`` are internal to the package.
"""
__all__ = [
    "seed",
]
