"""Payments: the pay form's options, frozen quotes, the second factor, charging through the gateway
exactly once, payment history and 智能交费 (auto-debit). The demo bank and its gateway play the
external bank.

Modules not in ``__all__`` are internal to the package.
"""
__all__ = [
    "autopay",
    "autopay_events",
    "checkout",
    "cli",
    "demo_bank",
    "demo_gateway_server",
    "gateway",
    "history",
    "ledger",
    "options",
    "outcome_notices",
    "quotes",
    "second_factor",
]
