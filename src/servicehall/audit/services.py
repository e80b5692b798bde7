"""Writing the audit trail (SEC-2). Called by every service function that writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction

from servicehall.rules.identity import mask_id_number, mask_phone

from .models import AuditRecord

SENSITIVE_MASKS = {"phone": mask_phone, "id_number": mask_id_number, "password": lambda v: "***"}


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
    def of(cls, user) -> Actor:
        if isinstance(user, Actor):
            return user
        if user is None or not getattr(user, "is_authenticated", False):
            raise PermissionError("every write must be attributed to a logged-in person or device (SEC-2)")
        return cls(user=user, label=user.get_username())


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


def record(
    actor: Actor,
    action: str,
    obj: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditRecord:
    """Append one audit record; must run inside the writer's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the write's transaction (SEC-2)")
    return AuditRecord.objects.create(
        actor=actor.user,
        actor_label=actor.label[:150],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
        reason=reason[:500],
    )
