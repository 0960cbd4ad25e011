"""Draw the README's usage chart the way the assistant does: demo data seeded for a fixed
day in a throwaway database, 张伟's account 3301000001, the action's own chart function.

    .venv/bin/python scripts/readme_chart.py docs/images/usage-chart.png
"""
from __future__ import annotations

import sys
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from actions.billing.usage import chart_png
from bot.billing.tariff import TariffBook
from bot.billing.usage import UsageSeries, usage_series
from bot.clock import CHINA_TZ, FixedClock
from bot.db.migrate import upgrade
from bot.db.models import User
from bot.db.session import SessionFactory
from bot.demo.seed import seed_demo_data
from bot.domain_files import load_domain_yaml
from bot.settings import Settings

DAY = datetime(2026, 11, 23, 10, 0, tzinfo=CHINA_TZ)


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite:///{workdir}/readme.db"
        upgrade(url)
        session_factory = SessionFactory.from_url(url)
        clock, tariffs = FixedClock(DAY), TariffBook.load(Settings().tariff_dir)
        seed_demo_data(session_factory, tariffs, clock)
        with session_factory.session_scope() as session:
            zhang_wei = session.scalar(select(User.id).where(User.phone == "13800000001"))
        series = usage_series(session_factory, clock, tariffs, user_id=zhang_wei, account_number="3301000001")
        session_factory.dispose()
    assert isinstance(series, UsageSeries), series
    domain = load_domain_yaml()
    out.write_bytes(chart_png(domain, series))
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images/usage-chart.png"))
