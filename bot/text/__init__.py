"""Reading and writing Chinese: amounts, months and days as customers type them, the words that change
an answer, how dates and tiers read in replies, and text similarity.
"""
__all__ = [
    "amounts",
    "days",
    "labels",
    "months",
    "request_words",
    "similarity",
]
