"""What each channel can show. Replies degrade to text where pictures or files cannot go."""
from __future__ import annotations

# The hotline IVR reads replies aloud: no pictures, no links to tap.
TEXT_ONLY_CHANNELS = frozenset({"ivr"})


# Channels that can send a message the user did not ask for (the others answer requests only).
PUSH_CHANNELS = frozenset({"callback"})


def can_push(channel: str | None) -> bool:
    return channel in PUSH_CHANNELS


def shows_images(channel: str | None) -> bool:
    return (channel or "rest") not in TEXT_ONLY_CHANNELS
