"""Telling a user something now, without waiting for their next message: on the chat they used
last, if that chat's channel can push (``push``), also from a server that must not wait for it
(``background``). Every notice is stored first and delivered with the user's next message anyway;
a push only brings that moment forward.

Modules not in ``__all__`` are internal to the package.
"""
__all__ = ["background", "push"]
