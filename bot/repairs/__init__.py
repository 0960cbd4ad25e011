"""故障报修 (fault reports): the danger words that get safety advice first, the place of a fault
(a bound account or a typed address), the on-site commitment by area type (95598: urban 45 min,
rural 90 min, remote 2 h), repair work orders and the order of their on-site steps.

No Rasa imports: ``bot.rasa_ext.safety`` (the NLU component) and ``actions/repairs`` use these.
Modules not in ``__all__`` are internal to the package.
"""

__all__ = [
    "commitments",
    "danger",
    "places",
    "reports",
    "steps",
]
