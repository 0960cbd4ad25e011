"""Electricity-customer service assistant: domain services, data store and channel glue.

Nothing directly under ``bot.services``, ``bot.billing``, ``bot.db`` or ``bot.text``
imports Rasa; those layers are plain Python and are unit-tested on their own.
"""
