"""Writing the audit trail (SEC-2, SEC-7). Called by every service function that writes.

Each record carries the request's address (from :mod:`servicehall.audit.context`) and is chained to
the one before it: ``prev_hash`` is that record's ``hash``, and ``hash`` covers this record's content
and ``prev_hash``. Writers take the chain head's row lock, so records chain in the order they commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from servicehall.rules.identity import mask_id_number, mask_phone

from .context import client_address
from .models import AuditChain, AuditRecord

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

SENSITIVE_MASKS: dict[str, Callable[[str], str]] = {"phone": mask_phone, "id_number": mask_id_number, "password": lambda v: "***"}


class NotAttributed(PermissionDenied, PermissionError):
    """A write with nobody to attribute it to (SEC-2): a 403 on pages, never a 500."""


@dataclass(frozen=True)
class Actor:
    """Who is writing: a logged-in user, or a registered device / system job acting for one."""

    user: Any | None
    label: str
    # A system job (demo loader, import) acting for a named staff member.
    staff: Any | None = None
    # A registered device (clock terminal, kiosk, caller, rating pad, workstation) acting as its kind (SEC-5).
    device: Any | None = None
    # A command-line job run by the installation's operator (demo, import, worker): not limited by role.
    system: bool = False

    @classmethod
    def of(cls, user: ActorLike | None) -> Actor:
        if isinstance(user, Actor):
            return user
        if user is None or not getattr(user, "is_authenticated", False):
            raise NotAttributed("every write must be attributed to a logged-in person or device (SEC-2)")
        return cls(user=user, label=user.get_username())


# Who a service is told is writing: an Actor, or the user of a page's request (:meth:`Actor.of` makes one).
ActorLike: TypeAlias = "Actor | AbstractBaseUser | AnonymousUser"


def system_actor(label: str = "system") -> Actor:
    """The actor for command-line jobs (demo loader, imports): a dedicated, login-less account."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=f"_{label}", defaults={"is_active": False, "first_name": label}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return Actor(user=user, label=f"{label} (cli)", system=True)


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-able view of a model instance for before/after, personal data masked."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if fields and f.name not in fields:
            continue
        value = getattr(obj, f.attname)
        if f.name in SENSITIVE_MASKS and value:
            value = SENSITIVE_MASKS[f.name](value)
        elif value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
            value = str(value)
        data[f.name] = value
    return data


# -- the chain -------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """The value as it comes back from a JSON column (so the hash is the same before and after storing)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def content_hash(rec: AuditRecord, prev_hash: str) -> str:
    """SHA-256 over one record's content and the previous record's hash (SEC-7)."""
    at = rec.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    payload = {
        "at": at, "actor": rec.actor_id, "actor_label": rec.actor_label, "action": rec.action,
        "object_type": rec.object_type, "object_id": rec.object_id, "object_repr": rec.object_repr,
        "before": rec.before, "after": rec.after, "reason": rec.reason, "address": rec.address,
        "prev": prev_hash,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _chain_head() -> AuditChain:
    """The chain head, locked until the writer's transaction ends (PostgreSQL: a row lock; SQLite
    serialises writers already)."""
    head = AuditChain.objects.select_for_update().filter(pk=1).first()
    if head is None:
        try:
            with transaction.atomic():
                AuditChain.objects.create(pk=1, last_hash=_last_hash())
        except IntegrityError:
            pass  # another writer created it first
        head = AuditChain.objects.select_for_update().get(pk=1)
    return head


def _last_hash() -> str:
    last = AuditRecord.objects.order_by("-id").values_list("hash", flat=True).first()
    return last or ""


def _actor_parts(actor: Any) -> tuple[Any | None, str]:
    if isinstance(actor, Actor):
        return actor.user, actor.label
    if actor is None:
        return None, "anonymous"
    if isinstance(actor, str):
        return None, actor
    if getattr(actor, "pk", None) is not None:
        return actor, actor.get_username()
    return None, str(actor)


def _append(user: Any, label: str, action: str, object_type: str, object_id: str, object_repr: str,
            before: Any, after: Any, reason: str, address: str | None, locks: Sequence[int] = ()) -> AuditRecord:
    # Within the writer's transaction no savepoint of its own: a failure here fails the write (and saves two
    # statements on every audited write, issue 14); outside one, its own transaction.
    with transaction.atomic(savepoint=False):
        head = _chain_head()
        rec = AuditRecord(
            at=timezone.now(), actor=user, actor_label=(label or "")[:150], action=action[:60],
            object_type=object_type[:60], object_id=str(object_id)[:60], object_repr=str(object_repr)[:200],
            before=_plain(before), after=_plain(after), reason=(reason or "")[:500],
            address=(client_address.get() if address is None else address)[:45],
            prev_hash=head.last_hash,
        )
        rec.hash = content_hash(rec, rec.prev_hash)
        if transaction.get_connection().vendor == "postgresql":
            _insert_and_advance(rec, head.pk, locks)
        else:
            rec.save(force_insert=True)
            AuditChain.objects.filter(pk=head.pk).update(last_hash=rec.hash)
        return rec


def _insert_and_advance(rec: AuditRecord, head_pk: int, locks: Sequence[int]) -> None:
    """PostgreSQL: the record's INSERT and the chain head's UPDATE as one statement (issue 14 item 7), under the head's
    row lock taken just before (:func:`_chain_head`), so records still chain in commit order (SEC-7); with ``locks``,
    the writer's advisory transaction locks are taken in the same statement, after the head's lock."""
    from django.db.models.sql import InsertQuery

    conn = transaction.get_connection()
    q = conn.ops.quote_name
    fields = [f for f in AuditRecord._meta.local_concrete_fields if not f.primary_key]
    query = InsertQuery(AuditRecord)
    query.insert_values(fields, [rec])
    [(insert, params)] = query.get_compiler(connection=conn).as_sql()
    ctes, counted = f"ins AS ({insert} RETURNING id)", "0"
    if locks:
        ctes += ", lk AS (SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS u(k))"
        params = [*params, sorted(locks)]
        counted = "(SELECT COUNT(*) FROM lk)"
    with conn.cursor() as cursor:
        cursor.execute(f"WITH {ctes} UPDATE {q(AuditChain._meta.db_table)} SET {q('last_hash')} = %s WHERE id = %s "
                       f"RETURNING (SELECT id FROM ins), {counted}", [*params, rec.hash, head_pk])
        row = cursor.fetchone()
    rec.pk = row[0]
    rec._state.adding, rec._state.db = False, conn.alias


def record(
    actor: Actor,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    *,
    address: str | None = None,
    locks: Sequence[int] = (),
) -> AuditRecord:
    """Append one audit record; must run inside the writer's transaction.

    ``locks``: advisory transaction-lock keys (PostgreSQL) the writer takes with the record, in the statement that
    appends it and after the chain head's lock — work after the write that must be serialised (duty: the days an
    event re-derives, NV-1) at no extra round trip. Ignored by other databases."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the write's transaction (SEC-2)")
    user, label = _actor_parts(actor)
    return _append(user, label, action, obj._meta.label_lower, str(obj.pk), str(obj), before, after, reason,
                   address, locks)


@dataclass
class Pending:
    """An audit record prepared ahead of a bulk write (:func:`prepare`), appended by :func:`record_many`."""

    obj: models.Model
    rec: AuditRecord


def prepare(actor: Actor, action: str, obj: models.Model, after: dict[str, Any] | None = None, reason: str = "",
            *, object_repr: str | None = None) -> Pending:
    """The record :func:`record` would append for ``obj``, made ready outside the write's transaction (the
    masking and JSON work); ``obj`` may still be unsaved: its id is read when the record is appended."""
    user, label = _actor_parts(actor)
    rec = AuditRecord(
        actor=user, actor_label=(label or "")[:150], action=action[:60], object_type=obj._meta.label_lower[:60],
        object_repr=(str(obj) if object_repr is None else object_repr)[:200], before=None, after=_plain(after),
        reason=(reason or "")[:500], address=client_address.get()[:45],
    )
    return Pending(obj, rec)


def record_many(pending: list[Pending]) -> int:
    """Append prepared records in one INSERT, chained in order under one chain-head lock (SEC-7): for a bulk
    write (an import's batch of events). Must run inside the writer's transaction, after the objects' INSERT."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_many must be called inside the write's transaction (SEC-2)")
    if not pending:
        return 0
    with transaction.atomic():
        head = _chain_head()
        prev = head.last_hash
        rows = []
        for p in pending:
            rec = p.rec
            if p.obj.pk is None:
                raise RuntimeError("audit.record_many: the objects are saved first")
            rec.at, rec.object_id, rec.prev_hash = timezone.now(), str(p.obj.pk)[:60], prev
            rec.hash = prev = content_hash(rec, prev)
            rows.append(rec)
        AuditRecord.objects.bulk_create(rows)
        AuditChain.objects.filter(pk=head.pk).update(last_hash=prev)
    return len(rows)


def record_event(
    actor: Any,
    action: str,
    *,
    object_type: str,
    object_id: Any = "",
    object_repr: str = "",
    before: Any = None,
    after: Any = None,
    reason: str = "",
    address: str | None = None,
) -> AuditRecord:
    """Append a record not tied to one model instance: a login, a lockout, a role change (SEC-7).

    ``actor`` is an :class:`Actor`, a user, a plain label (an unknown name at a failed login) or None.
    Runs in its own transaction when called outside one.
    """
    user, label = _actor_parts(actor)
    return _append(user, label, action, object_type, str(object_id), object_repr, before, after, reason, address)


def record_export(actor_or_user: Any, what: str, detail: dict[str, Any] | None = None, *,
                  address: str | None = None) -> AuditRecord:
    """Audit an export or download of personal data (SEC-7): ``what`` names it (``cases.xlsx``), ``detail``
    says which rows (filters, counts). Works inside and outside a transaction."""
    user, label = _actor_parts(actor_or_user)
    return _append(user, label, "export", "export", what, what, None, detail or {}, "", address)


# -- verification ---------------------------------------------------------------
@dataclass(frozen=True)
class ChainCheck:
    count: int
    broken_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify_chain(batch: int = 2000) -> ChainCheck:
    """Walk the trail in order and report the first record whose link or content does not match (SEC-7).

    The oldest record kept is the anchor (records past the retention may have been removed before it).
    """
    prev: str | None = None
    count = 0
    last_id = 0
    while True:
        rows = list(AuditRecord.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            return ChainCheck(count)
        for rec in rows:
            if prev is not None and rec.prev_hash != prev:
                return ChainCheck(count, rec.pk, "its link to the record before it does not match "
                                                 "(a record was removed or changed)")
            if content_hash(rec, rec.prev_hash) != rec.hash:
                return ChainCheck(count, rec.pk, "its content does not match its hash (it was changed)")
            prev = rec.hash
            count += 1
            last_id = rec.pk
