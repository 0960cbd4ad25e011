"""The 95598 hotline IVR connector, Rasa channel ``ivr``: the AudioCodes VoiceAI Connect Bot API
(HTTP mode). Recognised speech and keypresses come in as activities; replies go back as
``message`` activities the IVR reads aloud, and ``transfer`` / ``hangup`` events.

Modules not in ``__all__`` are internal to the package.
"""
__all__ = [
    "activities",
    "calls",
    "dialogue",
    "input",
    "keypad",
    "output",
]
