"""Pictures and documents made for users: the usage chart (PNG), invoices and receipts (PDF) and the
《授权委托书》 template (PDF), all drawn with the CJK font.

Modules not in ``__all__`` are internal to the package.
"""
__all__ = [
    "authorisation_pdf",
    "invoice_pdf",
    "usage_chart",
]
