"""Pictures and documents made for users: the usage chart (PNG) and invoices (PDF)."""
