"""Who is told about a vacancy (NV-1): the window head of the post's department and the center office."""

from __future__ import annotations

from django.db.models import Q

from servicehall.core import clock
from servicehall.core.notify import send
from servicehall.org.choices import Role
from servicehall.org.models import Staff


def office_of(center) -> list[Staff]:
    return list(Staff.objects.filter(center=center, roles__role=Role.OFFICE, active=True))


def recipients_for(post) -> list[Staff]:
    """The window heads of the post's department and the office, each once (one query)."""
    found = (Staff.objects.filter(center_id=post.center_id, active=True)
             .filter(Q(roles__role=Role.WINDOW_HEAD, department_id=post.department_id) | Q(roles__role=Role.OFFICE))
             .order_by("code"))
    return list({s.pk: s for s in found}.values())


def notify_vacancies(center, vacancies) -> None:
    by_department: dict[int, list[Staff]] = {}  # one read of the recipients per department, not per vacancy
    for v in vacancies:
        local = clock.local(center, v.start)
        text = (f"{v.post.window.name}（{v.post.code}）自 {local:%m-%d %H:%M} 起无人在岗"
                f"{'，仍在继续' if v.open else f'，共 {v.minutes} 分钟'}：{v.reason}")
        key = f"vacancy:{v.post.code}:{local:%Y%m%d%H%M}"
        if v.post.department_id not in by_department:
            by_department[v.post.department_id] = recipients_for(v.post)
        send(center, by_department[v.post.department_id], key, text)
