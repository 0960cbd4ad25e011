"""Bills of a bound account: tariffs (data in ``data/tariffs/``), balances and monthly bills with
their tiers, 违约金, usage with comparisons, and 电子发票 / 缴费凭证 issued once per bill.

Modules not in ``__all__`` are internal to the package.
"""
__all__ = [
    "access",
    "bills",
    "invoices",
    "tariff",
    "usage",
]
