"""FAQ answers (action_answer_faq) on the seeded demo data, and the FAQ knowledge base's shape."""
from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from sqlalchemy import update

from actions.conversation.faq import ActionAnswerFaq, selected_faq
from bot.accounts.binding import Bound, bind
from bot.billing.usage import TierPosition, tier_position
from bot.container import Services
from bot.conversation.faq_facts import account_tariff, bands_of
from bot.db.models import AccountBinding
from tests.unit.action_harness import CHANNEL, DOMAIN, SENDER, T0, log_in, run

ROOT = Path(__file__).resolve().parents[4]
MIN_TOPICS = 25
MIN_QUESTIONS = 12


def faq_tracker(topic: str | None, text: str = "阶梯电价怎么算") -> Tracker:
    """The latest message as Rasa parses it: intent faq, and the ResponseSelector's choice."""
    parse: dict[str, Any] = {"intent": {"name": "faq", "confidence": 0.95}, "entities": [], "text": text}
    if topic is not None:
        parse["response_selector"] = {
            "all_retrieval_intents": ["faq"],
            "faq": {"response": {"utter_action": f"utter_faq/{topic}", "intent_response_key": f"faq/{topic}",
                                 "confidence": 0.93, "responses": []}, "ranking": []},
        }
    message = {"event": "user", "text": text, "timestamp": T0, "input_channel": CHANNEL, "parse_data": parse}
    return Tracker.from_dict({
        "sender_id": SENDER, "slots": {}, "latest_message": parse,
        "events": [{"event": "action", "name": "action_listen", "timestamp": T0}, message],
        "paused": False, "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen",
    })


def bind_to(deps: Services, user_id: int, account_number: str) -> None:
    bound = bind(deps.session_factory, deps.clock, user_id=user_id, account_number=account_number)
    assert isinstance(bound, Bound), bound


def year_position(deps: Services, user_id: int, account: str) -> TierPosition:
    position = tier_position(deps.session_factory, deps.clock, deps.tariffs, user_id=user_id, account_number=account)
    assert isinstance(position, TierPosition)
    return position


def test_a_topic_is_answered_with_its_response(action_deps: Services) -> None:
    messages, events = run(ActionAnswerFaq(), faq_tracker("repair_time_limit", "报修后多久能到"))
    assert [m["response"] for m in messages] == ["utter_faq/repair_time_limit"] and events == []


def test_anonymous_tiered_pricing_gets_the_general_answer(action_deps: Services) -> None:
    messages, _ = run(ActionAnswerFaq(), faq_tracker("tiered_pricing"))
    assert [m["response"] for m in messages] == ["utter_faq/tiered_pricing"]


def test_a_user_without_accounts_gets_the_general_answer(action_deps: Services) -> None:
    log_in(action_deps, "13800000002")
    messages, _ = run(ActionAnswerFaq(), faq_tracker("tiered_pricing"))
    assert [m["response"] for m in messages] == ["utter_faq/tiered_pricing"]


def test_zhejiang_tiers_and_the_years_position_for_the_default_account(action_deps: Services) -> None:
    user = log_in(action_deps, "13800000001")
    position = year_position(action_deps, user.user_id, "3301000001")
    messages, events = run(ActionAnswerFaq(), faq_tracker("tiered_pricing"))
    assert events == [] and messages[0]["response"] is None
    lines = messages[0]["text"].splitlines()
    assert lines[0] == "户号3301000001（浙江省，低压居民）执行居民阶梯电价，按一个自然年的累计用电量分档计价："
    assert lines[1:4] == [
        "· 第一档：年用电量2760千瓦时及以下，0.538元/千瓦时",
        "· 第二档：2761～4800千瓦时，0.588元/千瓦时",
        "· 第三档：4801千瓦时及以上，0.838元/千瓦时",
    ]
    assert lines[4] == "可选峰谷分时电价：在阶梯电价基础上，峰时段每千瓦时加0.03元，谷时段每千瓦时减0.25元。"
    assert position.used_kwh > 0 and position.year == action_deps.clock.today().year
    assert lines[5].startswith(f"本年度已用 {position.used_kwh} 度，")
    assert lines[6] == "以上为您所在地区执行的标准，具体以当地价格主管部门公布的电价文件为准。"


def test_beijing_tiers_come_from_the_beijing_tariff_without_peak_valley(action_deps: Services) -> None:
    user = log_in(action_deps, "13800000002")
    bind_to(action_deps, user.user_id, "1101000001")
    messages, _ = run(ActionAnswerFaq(), faq_tracker("tiered_pricing"))
    lines = messages[0]["text"].splitlines()
    assert lines[0].startswith("户号1101000001（北京市，低压居民）")
    assert lines[1:4] == [
        "· 第一档：年用电量2880千瓦时及以下，0.4883元/千瓦时",
        "· 第二档：2881～4800千瓦时，0.5383元/千瓦时",
        "· 第三档：4801千瓦时及以上，0.7883元/千瓦时",
    ]
    assert not any("峰谷" in line for line in lines)


def test_a_non_residential_account_hears_its_single_price(action_deps: Services) -> None:
    user = log_in(action_deps, "13800000002")
    bind_to(action_deps, user.user_id, "3301000005")
    messages, _ = run(ActionAnswerFaq(), faq_tracker("tiered_pricing"))
    assert messages[0]["text"] == (
        "户号3301000005（浙江省，低压非居民）不执行居民阶梯电价，电价为0.70元/千瓦时（不分档）。"
        "具体以当地价格主管部门公布的电价文件为准。"
    )


def test_several_accounts_and_no_default_fall_back_to_the_general_answer(action_deps: Services) -> None:
    user = log_in(action_deps, "13800000002")
    for number in ("1101000001", "3301000005"):
        bind_to(action_deps, user.user_id, number)
    assert account_tariff(action_deps.session_factory, action_deps.clock, action_deps.tariffs,
                          user_id=user.user_id) is not None  # the first bound is the default
    with action_deps.session_factory.session_scope() as session:
        session.execute(update(AccountBinding).where(AccountBinding.user_id == user.user_id).values(is_default=False))
    messages, _ = run(ActionAnswerFaq(), faq_tracker("tiered_pricing"))
    assert [m["response"] for m in messages] == ["utter_faq/tiered_pricing"]


def test_no_selected_topic_asks_to_rephrase(action_deps: Services) -> None:
    assert selected_faq(faq_tracker(None)) is None
    messages, _ = run(ActionAnswerFaq(), faq_tracker(None))
    assert [m["response"] for m in messages] == ["utter_ask_rephrase"]


def test_bands_start_after_the_previous_tier() -> None:
    bands = bands_of([(2760, Decimal("0.538")), (4800, Decimal("0.588")), (None, Decimal("0.838"))])
    assert [(b.number, b.from_kwh, b.up_to_kwh) for b in bands] == [(1, 1, 2760), (2, 2761, 4800), (3, 4801, None)]
    (flat,) = bands_of([(None, Decimal("0.7"))])
    assert (flat.from_kwh, flat.up_to_kwh) == (1, None)


# --- the knowledge base: data/nlu/faq.yml, its answers, its held-out questions ---------------------


def _questions(path: Path) -> dict[str, list[str]]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        block["intent"]: [line[2:].strip() for line in block["examples"].splitlines() if line.strip()]
        for block in document["nlu"] if str(block.get("intent", "")).startswith("faq/")
    }


def test_every_topic_has_enough_varied_questions_and_an_answer() -> None:
    training = _questions(ROOT / "data" / "nlu" / "faq.yml")
    assert len(training) >= MIN_TOPICS
    assert {t: len(q) for t, q in training.items() if len(q) < MIN_QUESTIONS} == {}
    assert {f"utter_{t}" for t in training} <= set(DOMAIN["responses"])
    duplicates = [q for q, n in Counter(q for qs in training.values() for q in qs).items() if n > 1]
    assert duplicates == []


def test_every_topic_is_held_out_and_no_held_out_question_is_trained_on() -> None:
    training = _questions(ROOT / "data" / "nlu" / "faq.yml")
    heldout = _questions(ROOT / "tests" / "nlu_heldout" / "faq.yml")
    assert set(heldout) == set(training)
    assert all(len(questions) >= 2 for questions in heldout.values())
    trained = {q for qs in training.values() for q in qs}
    assert [q for qs in heldout.values() for q in qs if q in trained] == []


@pytest.mark.parametrize("topic", ["repair_time_limit", "outage_notice", "arrears_reconnect", "meter_test",
                                   "hotline_95598", "ev_charger"])
def test_answers_cite_their_rule(topic: str) -> None:
    text = DOMAIN["responses"][f"utter_faq/{topic}"][0]["text"]
    cited = {"repair_time_limit": "城区范围45分钟，农村地区90分钟，特殊边远地区2小时",
             "outage_notice": "提前7天公告", "arrears_reconnect": "24小时内恢复供电",
             "meter_test": "7天内检验", "hotline_95598": "12398", "ev_charger": "发改价格〔2014〕1668号"}
    assert cited[topic] in text
