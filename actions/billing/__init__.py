"""Actions for 电费余额, 账单, 用电量 (with the chart) and 电子发票 / 缴费凭证.

rasa-sdk imports every module here; the package itself imports nothing, so
no action is registered twice.
"""
__all__ = [
    "bills",
    "invoices",
    "usage",
]
