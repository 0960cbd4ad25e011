"""Steps about a person that several forms ask: a name as on an ID card (实名认证, 更名/过户's new
holder, 新装's 产权人 and 法定代表人) and an 18-digit ID number (实名认证, 更名/过户)."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import deps
from actions.forms.retrying import accept, reject
from bot.identity.real_name import IdRejected, IdRejection, NameRejected, validate_id_number, validate_person_name

ID_REJECTIONS = {
    IdRejection.BAD_LENGTH: "utter_id_bad_length",
    IdRejection.BAD_FORMAT: "utter_id_bad_format",
    IdRejection.BAD_CHECKSUM: "utter_id_bad_checksum",
    IdRejection.BAD_BIRTH_DATE: "utter_id_bad_birth_date",
}


def person_name_answer(slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
    """A name as on an ID card, normalised."""
    name = validate_person_name(str(value or ""))
    if isinstance(name, NameRejected):
        return reject(dispatcher, tracker, slot, "utter_invalid_person_name")
    return accept(slot, name)


def id_number_answer(slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
    """An ID number whose length, format, checksum and birth date hold."""
    number = validate_id_number(str(value or ""), today=deps().clock.today())
    if isinstance(number, IdRejected):
        return reject(dispatcher, tracker, slot, ID_REJECTIONS[number.reason])
    return accept(slot, number)
