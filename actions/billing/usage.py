"""用电量 queries: a month with comparisons, a year, the annual tier position, and the
12-month trend chart (a spoken summary on channels without pictures)."""
from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.accounts.query import AccountQuery, Query, explain_period, fetch
from actions.common import call, deps, response_text
from bot.billing.usage import (
    MonthUsage,
    TierPosition,
    UsageSeries,
    YearUsage,
    month_usage,
    tier_position,
    usage_series,
    year_usage,
)
from bot.channels.capabilities import shows_images
from bot.files.published import publish
from bot.reports.usage_chart import render_usage_chart
from bot.text.labels import change_label, month_label, tier_label
from bot.text.months import MonthQuery, MonthRejected, resolve_year
from bot.text.request_words import wants_trend

TREND_MONTHS = 12


def tier_position_line(domain: DomainDict, position: TierPosition) -> str:
    """"本年度已用 X 度，第一档剩余 Y 度" (or the top tier reached, or no tiers at all)."""
    if position.flat:
        return response_text(domain, "utter_tier_position_flat", used=position.used_kwh)
    if position.remaining_in_tier_kwh is None:
        return response_text(domain, "utter_tier_position_top", used=position.used_kwh, tier=tier_label(position.tier))
    return response_text(
        domain, "utter_tier_position", used=position.used_kwh, tier=tier_label(position.tier),
        remaining=position.remaining_in_tier_kwh,
    )


class ActionQueryUsage(AccountQuery):
    intent = "query_usage"

    def name(self) -> str:
        return "action_query_usage"

    async def answer(self, dispatcher: CollectingDispatcher, domain: DomainDict, query: Query) -> None:
        asked = query.months()
        if isinstance(asked, MonthRejected) and explain_period(dispatcher, asked):
            return
        if wants_trend(query.text) or (isinstance(asked, MonthQuery) and len(asked.months) > 1):
            count = len(asked.months) if isinstance(asked, MonthQuery) and len(asked.months) > 1 else TREND_MONTHS
            await self._trend(dispatcher, domain, query, count)
            return
        if isinstance(asked, MonthRejected):
            year = resolve_year(query.text, query.today)
            if isinstance(year, MonthRejected):
                explain_period(dispatcher, year)
                return
            if year is not None:
                await self._year(dispatcher, domain, query, year)
                return
        month = None if isinstance(asked, MonthRejected) or asked.latest else asked.months[0]
        await self._month(dispatcher, domain, query, month)

    async def _month(self, dispatcher: CollectingDispatcher, domain: DomainDict, query: Query, month: object) -> None:
        d = deps()
        usage = await fetch(dispatcher, query, MonthUsage, month_usage, d.session_factory, d.clock, month=month)
        if usage is None:
            return
        lines = [response_text(
            domain, "utter_usage_month", account_number=query.account_number, month=month_label(usage.month),
            kwh=usage.kwh,
        )]
        if usage.change_vs_previous_pct is not None:
            lines.append(response_text(
                domain, "utter_usage_vs_previous", change=change_label(usage.change_vs_previous_pct),
                kwh=usage.previous_month_kwh,
            ))
        if usage.change_vs_last_year_pct is not None:
            vs_last_year = change_label(usage.change_vs_last_year_pct)
            lines.append(response_text(
                domain, "utter_usage_vs_last_year", change=vs_last_year, kwh=usage.same_month_last_year_kwh,
            ))
            if usage.jump_warning:  # a jump from zero has no percentage to warn with
                lines.append(response_text(domain, "utter_usage_jump_warning", change=vs_last_year))
        position = await self._position(query, usage.month.year)
        if position is not None:
            lines.append(tier_position_line(domain, position))
        dispatcher.utter_message(text="\n".join(lines))

    async def _year(self, dispatcher: CollectingDispatcher, domain: DomainDict, query: Query, year: int) -> None:
        d = deps()
        usage = await fetch(dispatcher, query, YearUsage, year_usage, d.session_factory, d.clock, year=year)
        if usage is None:
            return
        lines = [response_text(
            domain, "utter_usage_year", account_number=query.account_number, year=year, kwh=usage.kwh,
            months=len(usage.months), average=round(usage.kwh / len(usage.months)) if usage.months else 0,
        )]
        position = await self._position(query, year)
        if position is not None:
            lines.append(tier_position_line(domain, position))
        dispatcher.utter_message(text="\n".join(lines))

    @staticmethod
    async def _position(query: Query, year: int) -> TierPosition | None:
        d = deps()
        position = await call(
            tier_position, d.session_factory, d.clock, d.tariffs,
            user_id=query.user_id, account_number=query.account_number, year=year,
        )
        return position if isinstance(position, TierPosition) else None

    async def _trend(self, dispatcher: CollectingDispatcher, domain: DomainDict, query: Query, count: int) -> None:
        d = deps()
        series = await fetch(dispatcher, query, UsageSeries, usage_series, d.session_factory, d.clock, d.tariffs,
                             count=count)
        if series is None:
            return
        if not shows_images(query.channel):
            dispatcher.utter_message(text=spoken_trend(domain, series))
            return
        png = await call(chart_png, domain, series)
        url = await call(publish, d.settings, d.clock, "charts", png)
        lines = [chart_title(domain, series), tier_position_line(domain, series.position)]
        dispatcher.utter_message(text="\n".join(lines), image=url)


def chart_title(domain: DomainDict, series: UsageSeries) -> str:
    return response_text(domain, "utter_chart_title", account_number=series.account_number, count=len(series.points))


def chart_png(domain: DomainDict, series: UsageSeries) -> bytes:
    """The trend chart of ``series``, its title and threshold labels worded by the domain."""
    thresholds = [
        (response_text(domain, "utter_chart_threshold", tier=tier_label(tier), kwh=kwh), kwh)
        for tier, kwh in series.monthly_thresholds
    ]
    return render_usage_chart(series.points, thresholds, title=chart_title(domain, series))


def spoken_trend(domain: DomainDict, series: UsageSeries) -> str:
    """The chart's facts in one sentence, for channels that read replies aloud."""
    kwhs = [kwh for _, kwh in series.points]
    highest = max(series.points, key=lambda point: point[1])
    lowest = min(series.points, key=lambda point: point[1])
    return response_text(
        domain, "utter_usage_trend_spoken", account_number=series.account_number, count=len(kwhs),
        total=sum(kwhs), average=round(sum(kwhs) / len(kwhs)), high_month=month_label(highest[0]),
        high_kwh=highest[1], low_month=month_label(lowest[0]), low_kwh=lowest[1],
        position=tier_position_line(domain, series.position).rstrip("。"),
    )
