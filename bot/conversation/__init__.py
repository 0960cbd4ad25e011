"""The conversation itself, without Rasa: which flow serves a request (routing), when to hand over
to a human, the hand-off record, and intent payloads for buttons.
"""
__all__ = [
    "dialogue",
    "faq_facts",
    "handoff",
    "payloads",
    "routing",
]
