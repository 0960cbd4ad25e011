"""Rendering, once for every channel: Rasa's bot messages become channel-neutral parts
(:mod:`parts`), which :mod:`shaping` fits to one channel's limits
(:mod:`bot.channels.capabilities`): texts split at its length limit (:mod:`splitting`),
buttons native, numbered in the text or dropped, images and documents sent or left as links.
A connector (WeChat, Telegram, …) only turns the shaped parts into its platform's calls, and
remembers numbered options per chat (:mod:`numbered_options`) so a bare "2" picks one.

No Rasa imports: unit-tested alone. Modules not in ``__all__`` are internal to the package.
"""
__all__ = [
    "numbered_options",
    "parts",
    "shaping",
    "splitting",
    "spoken_numbers",
    "voice",
]
