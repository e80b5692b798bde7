"""Complaint attachments (CMP-1): photos and PDFs only, limited in number and size, checked by content.

The file's bytes decide its type, never its name or the browser's claim; an image must decode, a PDF must
have its header and end marker. Every problem names the field, and nothing is stored unless all pass.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from servicehall.errors import Problem

MAX_FILES = 3
MAX_BYTES = 5 * 1024 * 1024
KINDS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png")}
PDF = ("application/pdf", ".pdf")


@dataclass(frozen=True)
class Checked:
    name: str
    content_type: str
    extension: str
    data: bytes
    sha256: str


def _kind(data: bytes) -> tuple[str, str] | None:
    if data.startswith(b"%PDF-"):
        return PDF if b"%%EOF" in data[-1024:] else None
    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt = img.format
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return KINDS.get(fmt)


def check_uploads(files, problems: list[Problem], field: str = "attachments") -> list[Checked]:
    """Read and check uploaded files; append one problem per bad file; return the good ones."""
    files = list(files or [])
    if len(files) > MAX_FILES:
        problems.append(Problem(field, f"at most {MAX_FILES} files"))
        return []
    out = []
    for i, f in enumerate(files):
        where = f"{field}[{i}]"
        size = getattr(f, "size", None)
        if size is not None and size > MAX_BYTES:
            problems.append(Problem(where, f"{f.name}: larger than {MAX_BYTES // (1024 * 1024)} MB"))
            continue
        data = f.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            problems.append(Problem(where, f"{f.name}: larger than {MAX_BYTES // (1024 * 1024)} MB"))
            continue
        if not data:
            problems.append(Problem(where, f"{f.name}: the file is empty"))
            continue
        kind = _kind(data)
        if kind is None:
            problems.append(Problem(where, f"{f.name}: not a readable JPEG, PNG or PDF file"))
            continue
        name = (f.name or "file").replace("\\", "/").rsplit("/", 1)[-1][:100]
        out.append(Checked(name, kind[0], kind[1], data, hashlib.sha256(data).hexdigest()))
    return out
