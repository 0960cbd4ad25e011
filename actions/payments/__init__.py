"""Actions for 缴费 and 预存 (the pay_bill form to the payment), 缴费记录, and 智能交费.

rasa-sdk imports every module here; the package itself imports nothing, so
no action is registered twice.
"""
__all__ = [
    "autopay",
    "autopay_notices",
    "checkout",
    "confirmation",
    "outcome_notices",
    "records",
]
