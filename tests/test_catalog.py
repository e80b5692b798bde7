"""Issue 11: the Chinese texts live in the gettext catalog, edited as translators and their tools (Poedit,
Weblate) expect; nothing fills it from code. Every msgid is translated, none is fuzzy, the compiled catalog
matches its source, and the catalog holds every text the code marks for translation."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "servicehall"
PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_msgid_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(PO))
    missing = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not missing, f"untranslated: {missing}"
    assert not fuzzy, f"fuzzy (check and clear the flag): {fuzzy}"


def test_the_compiled_catalog_is_the_source_compiled():
    po = {e.msgid: e.msgstr or e.msgstr_plural.get(0, "") for e in polib.pofile(str(PO)) if not e.obsolete}
    mo = {e.msgid: e.msgstr or e.msgstr_plural.get(0, "") for e in polib.mofile(str(MO)) if e.msgid}
    assert mo == po, "run: make messages (compilemessages) and commit the .mo"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_the_catalog_holds_every_text_marked_for_translation(tmp_path):
    copy = tmp_path / "servicehall"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    run = subprocess.run([sys.executable, "-c", "from servicehall.cli import main; main()", "makemessages",
                          "-l", "zh_Hans", "--no-obsolete"], cwd=copy, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    extracted = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    known = {e.msgid for e in polib.pofile(str(PO))}
    new = sorted({e.msgid for e in extracted} - known)
    assert not new, f"texts not in the catalog (run make messages, translate them in the .po): {new}"
