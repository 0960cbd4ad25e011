"""What the forms share: validation that helps after repeated mistakes (the one base class), each
form's table of fields and slots, and the steps several forms take, as plain functions — a bound
account, a document sent in the form, an SMS code, a person's name and ID number, a summary frozen
server-side and its confirmation.

rasa-sdk imports every module here; the package itself imports nothing, so
no action is registered twice.
"""
__all__ = [
    "bound_account",
    "documents",
    "ending",
    "fields",
    "frozen_summary",
    "person",
    "retrying",
    "sms_code",
]
