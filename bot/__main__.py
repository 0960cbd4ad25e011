"""``python -m bot``: see :mod:`bot.cli` (tools) and :mod:`bot.server_cli` (train, run, chat)
and :mod:`bot.payment_cli` (payment jobs) and :mod:`bot.order_cli` (work orders)."""
from __future__ import annotations

import bot.order_cli  # noqa: F401  (registers orders advance, orders list, orders forward)
import bot.payment_cli  # noqa: F401  (registers autopay run, payments resolve)
import bot.server_cli  # noqa: F401  (registers train, run and chat)
from bot.cli import main

raise SystemExit(main())
