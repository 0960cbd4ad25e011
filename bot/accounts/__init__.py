"""Electricity accounts (户号) and the users who bind them: look-up within the daily limit,
search by holder and address, previews, binding, owner certification and owner consent.
"""
__all__ = [
    "binding",
    "consent",
    "lookup",
    "lookup_limits",
    "ownership",
    "preview",
    "search",
    "search_terms",
]
