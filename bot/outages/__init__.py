"""Outages (停电查询): planned and fault outages of an area, kept by operators and matched to
accounts, districts and streets over a time window.

- ``matching``: which open outages cover an account, a district or a street in a time window
  (what the 停电查询 reply, the 故障报修 form and the day-before notices ask);
- ``query``: 停电查询 as asked — where (a bound account, a district, a street) and which days;
- ``registry``: operators add, close and list outages (used by ``cli``);
- ``replies``: an outage as the facts a reply names (times in China time, reason, kind, area);
- ``cli``: ``python -m bot outages add|close|list``.

Chinese day expressions ("明天", "下周一", "12月5日") are read by :mod:`bot.text.days`.
Modules not in ``__all__`` are internal to the package.
"""
__all__ = ["cli", "matching", "query", "registry", "replies"]
