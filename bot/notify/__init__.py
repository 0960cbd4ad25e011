"""Telling a user something now, without waiting for their next message: on the chat they used
last, if that chat's channel can push (``push``), also from a server that must not wait for it
(``background``). Every notice is stored first and delivered with the user's next message anyway;
a push only brings that moment forward.

用能预警 and the other proactive notices (``python -m bot notify run``, ``cli``): which facts of a
bound account are news today (``alert_rules``: 欠费, 余额不足, 用电异常, 停电 the day before), the
run that leaves each user one notice per event (``alerts``), what is still to be told
(``alert_delivery``) and which kinds each user receives (``preferences``).

Modules not in ``__all__`` are internal to the package.
"""
__all__ = ["alert_delivery", "alert_rules", "alerts", "background", "cli", "preferences", "push"]
