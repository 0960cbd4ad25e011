"""Reading and writing Chinese: amounts and months as customers type them, the words that change
an answer, how dates and tiers read in replies, and text similarity.
"""
__all__ = [
    "amounts",
    "labels",
    "months",
    "request_words",
    "similarity",
]
