"""One table per form: which slot answers which field of the request the form files, and the
form's other slots. Submission reads the request from it (:meth:`FormFields.request_from`:
the slot → field direction, derived), a field the service refused is asked again
(:meth:`FormFields.slot_for`), and the end of the form clears every slot it lists
(:meth:`FormFields.reset_events`)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.forms.documents import attachment_id_of
from actions.forms.retrying import FAILURES_SLOT


def as_is(value: Any) -> Any:
    return value


def text(value: Any) -> str:
    """The answer as text; "" when there is none."""
    return str(value or "")


def attachment(value: Any) -> int | None:
    """The attachment id of a validated document slot."""
    return attachment_id_of(value)


@dataclass(frozen=True)
class Answer:
    """The slot that answers a field, and how the field reads the slot's value."""

    slot: str
    read: Callable[[Any], Any] = as_is


@dataclass(frozen=True)
class FormFields:
    """A form's slots: ``fields`` (request field → :class:`Answer`) and ``other_slots``, those
    that answer no field (a confirmation, a code, a choice of branch)."""

    fields: Mapping[str, Answer] = field(default_factory=dict)
    other_slots: tuple[str, ...] = ()

    @property
    def slots(self) -> tuple[str, ...]:
        """Every slot of the form, each once: the fields' in their order, then the others."""
        return tuple(dict.fromkeys((*(a.slot for a in self.fields.values()), *self.other_slots)))

    def slot_for(self, field_name: str) -> str | None:
        """The slot whose question answers ``field_name`` (a field the service refused)."""
        answer = self.fields.get(field_name)
        return answer.slot if answer else None

    def request_from(self, tracker: Tracker) -> dict[str, Any]:
        """The request's fields as the slots hold them now (the service checks them again)."""
        return {name: answer.read(tracker.get_slot(answer.slot)) for name, answer in self.fields.items()}

    def cleared(self) -> dict[str, None]:
        """Every slot of the form emptied, as a validator returns it."""
        return dict.fromkeys(self.slots)

    def reset_events(self, *, retry_count: bool = True) -> list[EventType]:
        """The events that clear every slot of the form (and, unless told not to, the retry count)."""
        slots = (*self.slots, FAILURES_SLOT) if retry_count else self.slots
        return [SlotSet(slot, None) for slot in slots]

    def nested(self, prefix: str) -> FormFields:
        """This table as the fields of a part of a bigger request (``invoice.company_name``)."""
        return FormFields({f"{prefix}.{name}": answer for name, answer in self.fields.items()}, self.other_slots)

    def merged(self, *others: FormFields, other_slots: tuple[str, ...] = ()) -> FormFields:
        """One table for a form that files one of several requests (个人 or 企业新装)."""
        fields: dict[str, Answer] = dict(self.fields)
        for table in others:
            for name, answer in table.fields.items():
                if fields.setdefault(name, answer).slot != answer.slot:
                    raise ValueError(f"field {name} is answered by two slots")
        every_other = (*self.other_slots, *(s for table in others for s in table.other_slots), *other_slots)
        return FormFields(fields, tuple(dict.fromkeys(every_other)))
