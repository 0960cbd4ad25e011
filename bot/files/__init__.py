"""Files in chat: uploads judged by their bytes and stored per chat, reading a 户号 from a bill's
barcode, and the signed links of files the assistant publishes (charts, invoices, receipts).

Modules not in ``__all__`` are internal to the package.
"""
__all__ = [
    "attachments",
    "barcode",
    "published",
]
