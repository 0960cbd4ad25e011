"""Which flow serves each request, and what it needs first (login, real-name verification).

Requests that touch an account need a logged-in user; the dialogue runs the login first and
then resumes the request, so the user is not made to repeat it.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Gate(str, Enum):
    NONE = "none"
    LOGIN = "login"
    VERIFIED = "verified"  # logged in and real-name verified


@dataclass(frozen=True)
class Route:
    target: str  # the Rasa action or form that serves the request
    gate: Gate
    needs_account: bool = False  # with no bound account, binding comes first (then the request resumes)


NOT_ONLINE_YET = "utter_feature_unavailable"  # the target of a flow not online yet (none at present)
ROUTE_SLOT = "route_target"  # a categorical slot: rules run the named target next
NOTHING = "nothing"  # the router answered itself; nothing else runs

ROUTES: dict[str, Route] = {
    "login": Route("login_form", Gate.NONE),
    "logout": Route("action_logout", Gate.NONE),
    "verify_identity": Route("verify_identity_form", Gate.LOGIN),
    "bind_account": Route("bind_account_form", Gate.LOGIN),
    "list_accounts": Route("action_list_accounts", Gate.LOGIN),
    "unbind_account": Route("unbind_account_form", Gate.LOGIN),
    "certify_owner": Route("action_certify_owner", Gate.VERIFIED),
    "query_balance": Route("action_query_balance", Gate.LOGIN),
    "query_bill": Route("action_query_bill", Gate.LOGIN),
    "query_usage": Route("action_query_usage", Gate.LOGIN),
    "request_invoice": Route("action_request_invoice", Gate.LOGIN),
    "pay_bill": Route("pay_bill_form", Gate.LOGIN),
    "query_payments": Route("action_query_payments", Gate.LOGIN),
    "setup_autopay": Route("autopay_form", Gate.LOGIN),
    # 更名/过户 derives who applies (户主本人 or 经办人) from the real-name record.
    "rename_transfer": Route("rename_transfer_form", Gate.VERIFIED, needs_account=True),
    "query_progress": Route("action_query_progress", Gate.LOGIN),
    # 注销账号 / 删除个人信息: only a logged-in user (the SMS login proves the phone), after confirming.
    "erase_my_data": Route("erase_data_form", Gate.LOGIN),
    # 没有实名认证的话，给出提示，点击"去认证": verification first, then the form.
    "new_install": Route("new_install_form", Gate.VERIFIED),
    # 用能预警 and other notices: which kinds a user receives ("关闭欠费提醒", "打开停电通知", "我收到哪些提醒").
    "turn_off_notices": Route("action_turn_off_notices", Gate.LOGIN),
    "turn_on_notices": Route("action_turn_on_notices", Gate.LOGIN),
    "list_notices": Route("action_list_notices", Gate.LOGIN),
    # 故障报修: anyone, logged in or not (an anonymous reporter's phone is confirmed by SMS code).
    "report_fault": Route("report_fault_form", Gate.NONE),
    # 停电查询: anyone may ask about a district; a bound account is used when logged in.
    "query_outage": Route("action_query_outage", Gate.NONE),
}


@dataclass(frozen=True)
class Decision:
    """Run ``target`` now; ``resume`` is the request to continue with once it is done."""

    target: str
    resume: str | None = None


def decide(intent: str, *, logged_in: bool, verified: bool, has_accounts: bool = True) -> Decision:
    route = ROUTES[intent]
    if route.gate is not Gate.NONE and not logged_in:
        return Decision("login_form", resume=intent)
    if route.gate is Gate.VERIFIED and not verified:
        return Decision("verify_identity_form", resume=intent)
    if route.needs_account and not has_accounts:  # 无户号时，添加需要办理的户号后进行申请
        return Decision("bind_account_form", resume=intent)
    return Decision(route.target)


def targets() -> list[str]:
    """Every value the route slot can take (the domain's categorical values)."""
    return sorted({route.target for route in ROUTES.values()} | {"login_form", "verify_identity_form", NOTHING})
