"""The base app's records: the one-time tokens of forms that were sent (SEC-2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FormSubmission(models.Model):
    """A create form that was sent once — 表单提交记录: the key of its one-time token and the record it made.

    ``token`` is a hash of the form's token and of who sent it, never the token itself; the database's unique
    constraint on it is what makes a second, identical submission (even one racing the first on another
    connection) find the first instead of creating a second record. Rows are cleaned after a few days
    (:func:`servicehall.core.once.clean`).
    """

    token = models.CharField(_("token"), max_length=64)
    created_at = models.DateTimeField(_("sent at"), db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=60, blank=True)

    class Meta:
        db_table = "web_formsubmission"  # made by the web app's first migration; the model moved here (issue 11)
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        constraints = [models.UniqueConstraint(fields=["token"], name="form_submission_once")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.object_type} {self.object_id}"
