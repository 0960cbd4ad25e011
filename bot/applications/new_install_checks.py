"""Field checks both 新装 applications share: applicant and district, address, names,
choices, documents and duplicates, each answering with an :class:`InstallProblem`."""
from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.applications.addresses import AddressProblem, ParsedAddress, parse_address
from bot.applications.new_install_forms import Applicant, InstallProblem, InstallProblemReason, find_applicant
from bot.applications.work_orders import FINAL_STATUSES, usable_attachment
from bot.db.enums import StrEnum, WorkOrderKind
from bot.db.models import Region, WorkOrder
from bot.identity.real_name import NameRejected, validate_person_name

ChoiceT = TypeVar("ChoiceT", bound=StrEnum)


def applicant_in_region(
    session: Session, user_id: int, region_code: str
) -> tuple[Applicant, Region] | InstallProblem:
    """The verified applicant and a region we serve, or the problem with either."""
    found = find_applicant(session, user_id)
    if found is None:
        return InstallProblem(InstallProblemReason.NOT_VERIFIED, "applicant")
    region = served_region(session, region_code)
    if region is None:
        return InstallProblem(InstallProblemReason.UNKNOWN_REGION, "region_code")
    return found[1], region


def served_region(session: Session, code: object) -> Region | None:
    return session.get(Region, str(code or "").strip()) if str(code or "").strip() else None


def checked_address(text: str, region: Region) -> ParsedAddress | InstallProblem:
    parsed = parse_address(text, region)
    if isinstance(parsed, AddressProblem):
        return InstallProblem(InstallProblemReason.BAD_ADDRESS, "address", parsed.reason)
    return parsed


def person_name(text: str | None, name: str, data: dict[str, Any]) -> InstallProblem | None:
    """A required person's name (as on the ID card) into ``data[name]``, or MISSING / BAD_NAME."""
    if not (text or "").strip():
        return InstallProblem(InstallProblemReason.MISSING, name)
    checked = validate_person_name(text or "")
    if isinstance(checked, NameRejected):
        return InstallProblem(InstallProblemReason.BAD_NAME, name, checked.reason)
    data[name] = checked
    return None


def choice(enum_class: type[ChoiceT], value: object, name: str) -> ChoiceT | InstallProblem:
    """The enum member ``value`` names, or MISSING / UNKNOWN_CHOICE for ``name``."""
    if value in (None, ""):
        return InstallProblem(InstallProblemReason.MISSING, name)
    try:
        return enum_class(value)
    except ValueError:
        return InstallProblem(InstallProblemReason.UNKNOWN_CHOICE, name)


def not_applicable(**fields: object) -> InstallProblem | None:
    """An agent's field filled in for someone applying in person."""
    for name, value in fields.items():
        if value not in (None, ""):
            return InstallProblem(InstallProblemReason.NOT_APPLICABLE, name)
    return None


class Documents:
    """The attachments an application brings, and the documents it still owes."""

    def __init__(self, session: Session, user_id: int, later: bool) -> None:
        self._session, self._user_id, self._later = session, user_id, later
        self.ids: list[int] = []
        self.missing: list[str] = []

    def take(self, name: str, attachment_id: object) -> InstallProblem | None:
        """Add a required document: the user's own unused upload, or (documents later)
        its name to ``missing``."""
        if attachment_id in (None, ""):
            if not self._later:
                return InstallProblem(InstallProblemReason.DOCUMENT_MISSING, name)
            self.missing.append(name)
            return None
        attachment = usable_attachment(self._session, self._user_id, attachment_id)
        if attachment is None or attachment.id in self.ids:
            return InstallProblem(InstallProblemReason.ATTACHMENT_NOT_FOUND, name)
        self.ids.append(attachment.id)
        return None


def open_duplicate(session: Session, user_id: int, kind: WorkOrderKind, **same: str) -> str | None:
    """The number of the user's unfinished order of ``kind`` whose form data has the
    same values for ``same``."""
    orders = session.scalars(
        select(WorkOrder).where(
            WorkOrder.user_id == user_id, WorkOrder.kind == kind, WorkOrder.status.not_in(list(FINAL_STATUSES))
        )
    )
    for order in orders:
        data = order.form_data if isinstance(order.form_data, dict) else {}
        if all(data.get(key) == value for key, value in same.items()):
            return order.order_no
    return None


def applicant_data(applicant: Applicant) -> dict[str, str]:
    return {
        "applicant_name": applicant.name,
        "applicant_id_masked": applicant.id_masked,
        "applicant_phone_masked": applicant.phone_masked,
    }


def address_data(region: Region, address: ParsedAddress) -> dict[str, Any]:
    return {
        "region_code": region.code,
        "supply_company": region.supply_company,
        "address": address.full_text,
        "address_complete": address.complete,
    }
