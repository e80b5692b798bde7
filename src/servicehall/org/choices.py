"""Named choices with translated labels (ORG-2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff roles — 岗位角色 (ORG-2). One person may hold several."""

    GUIDE = "guide", _("Guide desk")
    ASSIST = "assist", _("Assisted service")
    WINDOW = "window", _("Window clerk")
    APPROVER = "approver", _("Back-office approver")
    WINDOW_HEAD = "window_head", _("Window head")
    DEPT_LEADER = "dept_leader", _("Department leader")
    OFFICE = "office", _("Center management office")
    INSPECTOR = "inspector", _("Inspector")
    COUNTY_OFFICE = "county_office", _("County office")
    # The three administrator duties (三员分立, SEC-6): nobody holds two of them.
    SYS_ADMIN = "sys_admin", _("System administrator")
    SEC_ADMIN = "sec_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


# Seniority for first-inquiry responsibility (FIR-1): higher is more senior.
ROLE_RANK: dict[str, int] = {
    Role.GUIDE: 1,
    Role.ASSIST: 1,
    Role.WINDOW: 2,
    Role.APPROVER: 3,
    Role.WINDOW_HEAD: 4,
    Role.INSPECTOR: 5,
    Role.DEPT_LEADER: 6,
    Role.OFFICE: 7,
    Role.COUNTY_OFFICE: 8,
    Role.SYS_ADMIN: 1,
    Role.SEC_ADMIN: 1,
    Role.AUDIT_ADMIN: 1,
}

# 三员分立 (SEC-6): at most one of these on one person.
ADMIN_DUTIES = (Role.SYS_ADMIN, Role.SEC_ADMIN, Role.AUDIT_ADMIN)

# Roles whose holders manage the hall and see personal data unmasked (SEC-3).
MANAGER_ROLES = {Role.OFFICE, Role.DEPT_LEADER, Role.WINDOW_HEAD, Role.INSPECTOR, Role.COUNTY_OFFICE}


class LadderWindow(models.TextChoices):
    CALENDAR = "calendar", _("Calendar year and month")
    ROLLING = "rolling", _("Rolling 365 and 30 days")
