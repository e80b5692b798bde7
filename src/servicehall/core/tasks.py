"""The worker's daily clean-up of the pages' one-time form tokens (SEC-2)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .once import clean


@db_periodic_task(crontab(minute="17", hour="3"))
def form_tokens_clean():
    clean()
