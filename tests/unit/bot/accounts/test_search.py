"""Fuzzy search by holder name and address, and the pending-bind list (待绑定列表)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.accounts.binding import BindRefusal, BindRefused, Bound, ConsentRequired, list_bound
from bot.accounts.preview import AccountPreview
from bot.accounts.search import (
    SEARCH_LIMIT,
    Candidate,
    add_pending,
    bind_pending,
    pending,
    remove_pending,
    search_accounts,
)
from bot.clock import FixedClock
from bot.db.session import SessionFactory
from bot.text.similarity import fold, partial_similarity, similarity
from tests.unit.db_factories import add_account, user_id_of


def found(factory: SessionFactory, name: str, address: str, **kwargs: int) -> list[str]:
    return [c.account_number for c in search_accounts(factory, holder_name=name, address=address, **kwargs)]


def test_name_and_street_find_the_account_first_and_masked(demo_db: SessionFactory) -> None:
    [best, *_] = search_accounts(demo_db, holder_name="张伟", address="文三路")
    assert isinstance(best, Candidate)
    assert (best.account_number, best.holder_masked, best.address_partial) == (
        "3301000001", "张*", "浙江省杭州市西湖区文三路"
    )
    assert best.score == 1.0


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("张伟", "西湖区文二路"),  # a wrong character
        ("张伟", "杭州文三路100"),  # words left out
        ("张伟", "文山路"),  # fuzzy pinyin (sh/s), the usual input-method slip
        ("章伟", "文三路"),  # a homophone surname
        ("张玮", "文三路100号"),
        ("zhangwei", "文三路"),  # pinyin only
        ("Zhang Wei", "wen san lu"),
        ("张伟", "ＷＥＮＳＡＮＬＵ"),
    ],
)
def test_typos_homophones_and_pinyin_still_find_it(demo_db: SessionFactory, name: str, address: str) -> None:
    assert found(demo_db, name, address)[:1] == ["3301000001"]


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("某某某", "火星基地"),
        ("张伟", "解放路"),  # the right name at the wrong address lists no namesakes
        ("张伟", "西湖区天目山路"),  # nor does the right district alone
        ("王芳", "文三路"),  # a real address with the wrong name
        ("伟张", "文三路"),
        ("张伟", ""),
        ("张", "文三路"),
        ("", "文三路"),
    ],
)
def test_nonsense_and_half_matches_find_nothing(demo_db: SessionFactory, name: str, address: str) -> None:
    assert found(demo_db, name, address) == []


def test_enterprise_names_match_in_part(demo_db: SessionFactory) -> None:
    assert found(demo_db, "星火科技", "建国路") == ["1101000002"]
    assert found(demo_db, "天山纺织", "乌鲁木齐解放北路") == ["6501000001"]


def test_at_most_five_best_first(demo_db: SessionFactory) -> None:
    with demo_db.session_scope() as session:
        for n in range(7):
            add_account(session, f"330100100{n}", holder_name="张伟", address=f"浙江省杭州市西湖区文三路{200 + n}号")
        add_account(session, "3301001009", holder_name="张卫", address="浙江省杭州市西湖区文三路100号")
    results = search_accounts(demo_db, holder_name="张伟", address="文三路100号")
    assert len(results) == SEARCH_LIMIT
    assert results[0].account_number == "3301000001"
    assert [c.score for c in results] == sorted((c.score for c in results), reverse=True)
    assert len(search_accounts(demo_db, holder_name="张伟", address="文三路", limit=3)) == 3
    assert search_accounts(demo_db, holder_name="张伟", address="文三路", limit=0) == []


def test_similarity_scores() -> None:
    assert similarity(fold("张伟"), fold("章伟")) == 1.0  # same sound
    assert similarity(fold("张伟"), fold("李娜")) == 0.0
    assert partial_similarity(fold("wen shan lu"), fold("杭州市文三路1号")) == 1.0
    # Letters shared by unrelated syllables do not count as sounding alike.
    assert partial_similarity(fold("解放路"), fold("杭州市文三路1号")) < 0.5


# --- the pending list ------------------------------------------------------------


def test_found_accounts_wait_in_the_pending_list_until_bound(
    demo_db: SessionFactory, fixed_clock: FixedClock
) -> None:
    user = user_id_of(demo_db, "13800000002")
    for number in ("3301000002", "3301000003", "3301000002"):
        assert isinstance(add_pending(demo_db, fixed_clock, user_id=user, account_number=number), AccountPreview)
        fixed_clock.advance(timedelta(minutes=1))
    listed = pending(demo_db, user)
    assert [(p.account_number, p.holder_masked, p.owner_certified) for p in listed] == [
        ("3301000002", "王*", False), ("3301000003", "赵*", True),
    ]

    results = bind_pending(
        demo_db, fixed_clock, user_id=user, account_numbers=["3301000002", "3301000003", "3301000005", "3301000002"]
    )
    assert results["3301000002"] == Bound("3301000002", True)
    assert isinstance(results["3301000003"], ConsentRequired)  # 赵强 is the certified owner
    assert results["3301000005"] == BindRefused(BindRefusal.NOT_PENDING)
    assert pending(demo_db, user) == []
    assert [b.account_number for b in list_bound(demo_db, user)] == ["3301000002"]


def test_pending_list_refusals_and_removal(demo_db: SessionFactory, fixed_clock: FixedClock) -> None:
    user = user_id_of(demo_db, "13800000001")
    assert add_pending(demo_db, fixed_clock, user_id=user, account_number="3301999999") == BindRefused(
        BindRefusal.NOT_FOUND_OR_NOT_BINDABLE
    )
    assert add_pending(demo_db, fixed_clock, user_id=user, account_number="3301000001") == BindRefused(
        BindRefusal.ALREADY_BOUND
    )
    add_pending(demo_db, fixed_clock, user_id=user, account_number="3301000004")
    assert remove_pending(demo_db, user_id=user, account_number="3301000004")
    assert not remove_pending(demo_db, user_id=user, account_number="3301000004")
    assert not remove_pending(demo_db, user_id=user, account_number="nonsense")
    assert pending(demo_db, user) == []
    # Pending lists are per user.
    add_pending(demo_db, fixed_clock, user_id=user, account_number="3301000004")
    assert pending(demo_db, user_id_of(demo_db, "13800000002")) == []
