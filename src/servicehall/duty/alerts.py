"""Who is told about a vacancy (NV-1): the window head of the post's department and the center office."""

from __future__ import annotations

from servicehall.core import clock
from servicehall.core.notify import send
from servicehall.org.choices import Role
from servicehall.org.models import Staff


def office_of(center) -> list[Staff]:
    return list(Staff.objects.filter(center=center, roles__role=Role.OFFICE, active=True))


def recipients_for(post) -> list[Staff]:
    heads = Staff.objects.filter(center=post.center, department=post.department, roles__role=Role.WINDOW_HEAD,
                                 active=True)
    office = Staff.objects.filter(center=post.center, roles__role=Role.OFFICE, active=True)
    return list({s.pk: s for s in list(heads) + list(office)}.values())


def notify_vacancies(center, vacancies) -> None:
    for v in vacancies:
        local = clock.local(center, v.start)
        text = (f"{v.post.window.name}（{v.post.code}）自 {local:%m-%d %H:%M} 起无人在岗"
                f"{'，仍在继续' if v.open else f'，共 {v.minutes} 分钟'}：{v.reason}")
        key = f"vacancy:{v.post.code}:{local:%Y%m%d%H%M}"
        send(center, recipients_for(v.post), key, text)
