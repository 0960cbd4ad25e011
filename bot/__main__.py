"""``python -m bot``: see :mod:`bot.cli` (tools) and :mod:`bot.server.cli` (train, run, chat)
and :mod:`bot.payments.cli` (payment jobs) and :mod:`bot.applications.cli` (work orders)."""
from __future__ import annotations

import bot.applications.cli  # noqa: F401  (registers orders advance, orders list, orders forward)
import bot.channels.telegram.cli  # noqa: F401  (registers telegram set-webhook, telegram poll)
import bot.channels.wechat.cli  # noqa: F401  (registers wechat menu)
import bot.notify.cli  # noqa: F401  (registers notify run)
import bot.outages.cli  # noqa: F401  (registers outages add, outages close, outages list)
import bot.payments.cli  # noqa: F401  (registers autopay run, payments resolve)
import bot.server.cli  # noqa: F401  (registers train, run and chat)
from bot.cli import main

raise SystemExit(main())
