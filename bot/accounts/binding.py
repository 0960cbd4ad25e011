"""户号 binding: parsing account numbers, previews, binding, the user's bound list.

Refusals never tell an account that does not exist from one the user may not bind
(wrong region): both are ``NOT_FOUND_OR_NOT_BINDABLE``, so guessing numbers reveals
nothing. Binding an account another user is certified owner (户主) of creates a
consent request instead (see :mod:`bot.accounts.consent`). A user's first binding
becomes the default; the database allows at most one default per user.

Previews (with the daily look-up limit) are in :mod:`bot.accounts.lookup`, fuzzy
search and the pending-bind list in :mod:`bot.accounts.search`.
"""
from __future__ import annotations

import enum
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, joinedload

from bot.accounts.lookup_limits import LookupLimitReached, admit_lookup
from bot.accounts.preview import AccountPreview, preview_of
from bot.clock import Clock
from bot.db.enums import AccountCategory, ConsentStatus
from bot.db.locks import lock_user
from bot.db.models import (
    ACCOUNT_NUMBER_LENGTH,
    AccountBinding,
    BindingConsentRequest,
    ElectricityAccount,
    PendingBinding,
)
from bot.db.session import SessionFactory

log = logging.getLogger(__name__)

PROVINCE_PREFIX_LENGTH = 3  # the long 户号 form: a 3-digit province code, then the 10 digits
_SEPARATORS = re.compile(r"[\s\-]")


# --- account numbers -------------------------------------------------------------


class AccountNumberRejection(str, enum.Enum):
    EMPTY = "EMPTY"
    NOT_DIGITS = "NOT_DIGITS"
    WRONG_LENGTH = "WRONG_LENGTH"


@dataclass(frozen=True)
class AccountNumberRejected:
    reason: AccountNumberRejection


def parse_account_number(text: str) -> str | AccountNumberRejected:
    """The 10-digit 户号 in ``text``: 10 digits, or 13 with a province prefix (dropped).
    Full-width digits, spaces and hyphens are accepted."""
    value = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text or ""))
    if not value:
        return AccountNumberRejected(AccountNumberRejection.EMPTY)
    if not (value.isascii() and value.isdigit()):
        return AccountNumberRejected(AccountNumberRejection.NOT_DIGITS)
    if len(value) == ACCOUNT_NUMBER_LENGTH + PROVINCE_PREFIX_LENGTH:
        return value[PROVINCE_PREFIX_LENGTH:]
    if len(value) != ACCOUNT_NUMBER_LENGTH:
        return AccountNumberRejected(AccountNumberRejection.WRONG_LENGTH)
    return value


# --- shared building blocks ------------------------------------------------------


def find_account(session: Session, account_number: str) -> ElectricityAccount | None:
    """The account ``account_number`` names, with its region loaded; None for unparsable input."""
    number = parse_account_number(account_number)
    if isinstance(number, AccountNumberRejected):
        return None
    return session.scalar(
        select(ElectricityAccount)
        .options(joinedload(ElectricityAccount.region))
        .where(ElectricityAccount.account_number == number)
    )


def binding_of(session: Session, user_id: int, account_id: int) -> AccountBinding | None:
    return session.scalar(
        select(AccountBinding).where(
            AccountBinding.user_id == user_id, AccountBinding.account_id == account_id
        )
    )


# --- previews and binding --------------------------------------------------------


class BindRefusal(str, enum.Enum):
    NOT_FOUND_OR_NOT_BINDABLE = "NOT_FOUND_OR_NOT_BINDABLE"
    ALREADY_BOUND = "ALREADY_BOUND"
    # bind_pending: the account is not in the user's pending list.
    NOT_PENDING = "NOT_PENDING"


@dataclass(frozen=True)
class BindRefused:
    reason: BindRefusal


@dataclass(frozen=True)
class Bound:
    account_number: str
    is_default: bool


@dataclass(frozen=True)
class ConsentRequired:
    """The owner (户主) has been asked; the requester hears the outcome later."""

    request_id: int
    account_number: str


BindResult = Bound | ConsentRequired | BindRefused
_NOT_BINDABLE = BindRefused(BindRefusal.NOT_FOUND_OR_NOT_BINDABLE)


def bind(
    session_factory: SessionFactory,
    clock: Clock,
    *,
    user_id: int,
    account_number: str,
    daily_limit: int | None = None,
) -> BindResult | LookupLimitReached:
    """Bind the account, or ask its certified owner's consent when that is another user.

    With ``daily_limit``, an account the user has not looked up today counts as a
    look-up (:mod:`bot.accounts.lookup_limits`), so binding cannot enumerate numbers.
    """
    number = parse_account_number(account_number)
    if isinstance(number, AccountNumberRejected):
        return _NOT_BINDABLE
    with session_factory.session_scope() as session:
        lock_user(session, user_id)
        account = find_account(session, number)
        if daily_limit is not None and not admit_lookup(
            session, clock, user_id=user_id, account_number=number,
            account_id=account.id if account else None, daily_limit=daily_limit,
        ):
            return LookupLimitReached(daily_limit)
        if account is None:
            return _NOT_BINDABLE
        return bind_in_session(session, clock, user_id, account)


def bind_in_session(
    session: Session, clock: Clock, user_id: int, account: ElectricityAccount
) -> BindResult:
    """:func:`bind` inside the caller's transaction (the user's row already locked)."""
    if binding_of(session, user_id, account.id) is not None:
        return BindRefused(BindRefusal.ALREADY_BOUND)
    owner = account.owner_user_id
    if owner is not None and owner != user_id:
        return _request_consent(session, clock, user_id, owner, account)
    return attach_binding(session, clock, user_id, account)


def attach_binding(session: Session, clock: Clock, user_id: int, account: ElectricityAccount) -> Bound:
    """Create the binding, the default when it is the user's first."""
    has_default = session.scalar(
        select(AccountBinding.id).where(AccountBinding.user_id == user_id, AccountBinding.is_default)
    )
    binding = AccountBinding(
        user_id=user_id, account_id=account.id, is_default=has_default is None, created_at=clock.now()
    )
    session.add(binding)
    session.flush()
    _drop_pending(session, user_id, account.id)
    log.info("user %s bound account %s (default=%s)", user_id, account.account_number, binding.is_default)
    return Bound(account.account_number, binding.is_default)


def _request_consent(
    session: Session, clock: Clock, user_id: int, owner_user_id: int, account: ElectricityAccount
) -> ConsentRequired:
    request = session.scalar(
        select(BindingConsentRequest).where(
            BindingConsentRequest.requester_user_id == user_id,
            BindingConsentRequest.account_id == account.id,
            BindingConsentRequest.status == ConsentStatus.PENDING,
        )
    )
    if request is None:
        request = BindingConsentRequest(
            requester_user_id=user_id,
            owner_user_id=owner_user_id,
            account_id=account.id,
            status=ConsentStatus.PENDING,
            created_at=clock.now(),
        )
        session.add(request)
        session.flush()
        _drop_pending(session, user_id, account.id)
        log.info("user %s asked the owner's consent to bind %s", user_id, account.account_number)
    return ConsentRequired(request.id, account.account_number)


def _drop_pending(session: Session, user_id: int, account_id: int) -> None:
    session.execute(
        delete(PendingBinding).where(
            PendingBinding.user_id == user_id, PendingBinding.account_id == account_id
        )
    )


# --- the user's bound accounts ---------------------------------------------------


@dataclass(frozen=True)
class BoundAccount:
    account_number: str
    holder_masked: str
    address_partial: str
    category: AccountCategory
    is_default: bool
    is_owner: bool  # this user is the certified 户主
    bound_at: datetime


@dataclass(frozen=True)
class NotBound:
    """The user has not bound that account (nothing more is said about it)."""


@dataclass(frozen=True)
class DefaultSet:
    account_number: str


@dataclass(frozen=True)
class Unbound:
    account_number: str
    new_default: str | None  # the promoted default, when the old default was unbound


def list_bound(session_factory: SessionFactory, user_id: int) -> list[BoundAccount]:
    """The user's bound accounts, the default first, then oldest first."""
    with session_factory.session_scope() as session:
        return _bound_accounts(session, user_id)


def _bound_accounts(session: Session, user_id: int) -> list[BoundAccount]:
    bindings = session.scalars(
        select(AccountBinding)
        .options(joinedload(AccountBinding.account).joinedload(ElectricityAccount.region))
        .where(AccountBinding.user_id == user_id)
        .order_by(AccountBinding.is_default.desc(), AccountBinding.created_at, AccountBinding.id)
    ).all()
    return [_bound_account(b, preview_of(b.account, viewer_user_id=user_id)) for b in bindings]


def _bound_account(binding: AccountBinding, preview: AccountPreview) -> BoundAccount:
    return BoundAccount(
        account_number=preview.account_number,
        holder_masked=preview.holder_masked,
        address_partial=preview.address_partial,
        category=preview.category,
        is_default=binding.is_default,
        is_owner=binding.account.owner_user_id == binding.user_id,
        bound_at=binding.created_at,
    )


def _users_binding(session: Session, user_id: int, account_number: str) -> AccountBinding | None:
    account = find_account(session, account_number)
    return None if account is None else binding_of(session, user_id, account.id)


def set_default(
    session_factory: SessionFactory, *, user_id: int, account_number: str
) -> DefaultSet | NotBound:
    with session_factory.session_scope() as session:
        lock_user(session, user_id)
        binding = _users_binding(session, user_id, account_number)
        if binding is None:
            return NotBound()
        if not binding.is_default:
            _clear_default(session, user_id)
            binding.is_default = True
        return DefaultSet(binding.account.account_number)


def _clear_default(session: Session, user_id: int) -> None:
    # Flushed before another row becomes default: the one-default index checks each statement.
    session.execute(
        update(AccountBinding)
        .where(AccountBinding.user_id == user_id, AccountBinding.is_default)
        .values(is_default=False)
        .execution_options(synchronize_session="fetch")
    )


def unbind(session_factory: SessionFactory, *, user_id: int, account_number: str) -> Unbound | NotBound:
    """Remove the binding; unbinding the default promotes the oldest remaining binding.

    A certified owner keeps the certification: 户主 status belongs to the person and
    the account, and changes only through 更名/过户.
    """
    with session_factory.session_scope() as session:
        lock_user(session, user_id)
        binding = _users_binding(session, user_id, account_number)
        if binding is None:
            return NotBound()
        number, was_default = binding.account.account_number, binding.is_default
        session.delete(binding)
        session.flush()
        new_default = _promote_oldest(session, user_id) if was_default else None
        log.info("user %s unbound account %s", user_id, number)
        return Unbound(number, new_default)


def _promote_oldest(session: Session, user_id: int) -> str | None:
    oldest = session.scalar(
        select(AccountBinding)
        .where(AccountBinding.user_id == user_id)
        .order_by(AccountBinding.created_at, AccountBinding.id)
        .limit(1)
    )
    if oldest is None:
        return None
    oldest.is_default = True
    return oldest.account.account_number


# --- which account a flow is about -----------------------------------------------


class ResolutionKind(str, enum.Enum):
    NOT_BOUND = "NOT_BOUND"  # the named account is not bound by this user
    NEEDS_CHOICE = "NEEDS_CHOICE"  # several bound, none default: ask which
    NONE_BOUND = "NONE_BOUND"


@dataclass(frozen=True)
class Resolution:
    kind: ResolutionKind
    choices: tuple[BoundAccount, ...] = ()  # the user's bound accounts, to offer


def resolve_account(
    session_factory: SessionFactory, *, user_id: int, named: str | None
) -> str | Resolution:
    """The account a flow should act on: ``named`` when the user has bound it, else
    the default. Nothing is revealed about a named account the user has not bound."""
    with session_factory.session_scope() as session:
        bound = _bound_accounts(session, user_id)
    if named is not None and named.strip():
        number = parse_account_number(named)
        if any(b.account_number == number for b in bound):
            return str(number)
        return Resolution(ResolutionKind.NOT_BOUND, tuple(bound))
    if not bound:
        return Resolution(ResolutionKind.NONE_BOUND)
    if bound[0].is_default or len(bound) == 1:
        return bound[0].account_number
    return Resolution(ResolutionKind.NEEDS_CHOICE, tuple(bound))
