"""The 更名/过户 application as the form collected it: what its summary shows and freezes
(:mod:`actions.forms.frozen_summary`), and what submission checks against it and files."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import chat_identity, who_is_talking
from actions.forms.fields import Answer, FormFields, attachment, text
from actions.forms.frozen_summary import freeze
from bot.applications.rename_transfer_filing import Application
from bot.channels.capabilities import shows_images
from bot.db.enums import WorkOrderKind
from bot.privacy.masking import mask_id_number, mask_phone

FORM = "rename_transfer_form"
ROLE_SLOT = "rt_role"
# The Application's fields and the slots answering them; the form's other slots.
FIELDS = FormFields(
    {
        "new_holder_name": Answer("new_holder_name", text),
        "new_holder_id_number": Answer("new_holder_id", text),
        "contact_phone": Answer("contact_phone", text),
        "settlement": Answer("settlement"),
        "property_certificate_id": Answer("property_certificate", attachment),
        "agent_id_number": Answer("agent_id_number"),
        "power_of_attorney_id": Answer("power_of_attorney", attachment),
    },
    other_slots=(
        "account_number", "change_type", "rt_ownership_change", "rt_notice_read", "rt_sms_code", "rt_confirmed",
        "rt_refused", ROLE_SLOT,
    ),
)
UPLOAD_SLOTS = ("property_certificate", "power_of_attorney")


def kind_of(tracker: Tracker) -> WorkOrderKind:
    """过户 when the owner changes (or the user said 过户 and has not answered otherwise), else 更名."""
    answer = tracker.get_slot("rt_ownership_change")
    if answer is not None:
        return WorkOrderKind.TRANSFER if answer is True else WorkOrderKind.RENAME
    return WorkOrderKind.TRANSFER if tracker.get_slot("change_type") == "过户" else WorkOrderKind.RENAME


def application_of(tracker: Tracker) -> Application:
    """What would be filed now, from the slots (the service checks every field again)."""
    return Application(**FIELDS.request_from(tracker), documents_later=not shows_images(chat_identity(tracker)[0]))


def filed_content(tracker: Tracker, user_id: int | None) -> dict[str, Any]:
    """Everything the summary stands for: who applies, for which account and business, and the application."""
    return {"user_id": user_id, "account_number": tracker.get_slot("account_number"), "kind": kind_of(tracker),
            "role": tracker.get_slot(ROLE_SLOT), "application": application_of(tracker)}


async def current_content(tracker: Tracker) -> dict[str, Any]:
    user = await who_is_talking(tracker)
    return filed_content(tracker, user.user_id if user else None)


class ActionAskRenameConfirmed(Action):
    """Everything collected, masked, to be submitted; what it shows is frozen until then."""

    def name(self) -> str:
        return f"action_ask_{FORM}_rt_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        kind = kind_of(tracker)
        lines = [
            f"业务：{kind.value}",
            f"户号：{tracker.get_slot('account_number')}",
            f"申请人身份：{tracker.get_slot(ROLE_SLOT) or ''}",
            f"新户主/新户名：{tracker.get_slot('new_holder_name')}",
            f"身份证号：{mask_id_number(str(tracker.get_slot('new_holder_id') or ''))}",
            f"联系电话：{mask_phone(str(tracker.get_slot('contact_phone') or ''))}",
        ]
        if kind is WorkOrderKind.TRANSFER:
            lines.append(f"电费清算方式：{tracker.get_slot('settlement')}")
        documents = [slot for slot in UPLOAD_SLOTS if tracker.get_slot(slot)]
        if documents:
            lines.append(f"已上传材料：{len(documents)}份")
        await freeze(tracker, FORM, await current_content(tracker))
        dispatcher.utter_message(response="utter_ask_rt_confirmed", summary="\n".join(lines))
        return []
