"""Which flow serves a request, and the login / verification detours in front of it."""
from __future__ import annotations

import pytest

from bot.conversation.dialogue import RetryGuidance, retry_guidance
from bot.conversation.routing import NOTHING, ROUTES, Decision, Gate, decide, targets
from bot.domain_files import load_domain_yaml


def test_an_anonymous_account_request_logs_in_first_and_resumes() -> None:
    assert decide("bind_account", logged_in=False, verified=False) == Decision("login_form", resume="bind_account")
    assert decide("pay_bill", logged_in=False, verified=False) == Decision("login_form", resume="pay_bill")


def test_a_logged_in_request_goes_straight_to_its_flow() -> None:
    assert decide("bind_account", logged_in=True, verified=False) == Decision("bind_account_form")
    assert decide("list_accounts", logged_in=True, verified=False) == Decision("action_list_accounts")


def test_flows_that_need_real_name_verification_detour_through_it() -> None:
    assert decide("certify_owner", logged_in=True, verified=False) == Decision(
        "verify_identity_form", resume="certify_owner"
    )
    assert decide("certify_owner", logged_in=False, verified=False) == Decision("login_form", resume="certify_owner")
    assert decide("certify_owner", logged_in=True, verified=True) == Decision("action_certify_owner")


@pytest.mark.parametrize("intent", ["login", "logout", "report_fault", "query_outage"])
def test_requests_without_a_gate_never_detour(intent: str) -> None:
    assert ROUTES[intent].gate is Gate.NONE
    assert decide(intent, logged_in=False, verified=False).resume is None


def test_every_route_target_is_a_value_of_the_domains_route_slot() -> None:
    domain = load_domain_yaml()
    assert set(domain["slots"]["route_target"]["values"]) == set(targets())
    assert NOTHING in targets()
    known = set(domain["actions"]) | set(domain["forms"]) | set(domain["responses"])
    assert {t for t in targets() if t != NOTHING} <= known


def test_every_routed_intent_is_in_the_domain() -> None:
    domain = load_domain_yaml()
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}
    assert set(ROUTES) <= intents


@pytest.mark.parametrize(
    ("failures", "guidance"),
    [(1, RetryGuidance.NONE), (2, RetryGuidance.EXPLAIN_FORMAT), (3, RetryGuidance.OFFER_CANCEL),
     (7, RetryGuidance.OFFER_CANCEL)],
)
def test_repeated_invalid_answers_get_more_help(failures: int, guidance: RetryGuidance) -> None:
    assert retry_guidance(failures) is guidance
