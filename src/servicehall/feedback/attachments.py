"""Complaint attachments (CMP-1): photos and PDFs only, limited in number and size, checked by content.

The file's bytes decide its type, never its name or the browser's claim; an image must decode, a PDF must
have its header and end marker. Every problem names the field, and nothing is stored unless all pass.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from PIL import Image, UnidentifiedImageError

from servicehall.errors import Problem

MAX_FILES = 3
MAX_BYTES = 5 * 1024 * 1024
MAX_REQUEST_FILE_BYTES = MAX_FILES * MAX_BYTES + 1024 * 1024


class CappedUploadHandler(FileUploadHandler):
    """First of the upload handlers: stops reading files once a request's uploads pass what any form accepts,
    so nothing oversized reaches the disk; the view sees ``request.upload_too_large`` and says so."""

    def __init__(self, request=None):
        super().__init__(request)
        self.total = 0

    def receive_data_chunk(self, raw_data, start):
        self.total += len(raw_data)
        if self.total > MAX_REQUEST_FILE_BYTES:
            if self.request is not None:
                self.request.upload_too_large = True  # type: ignore[attr-defined]
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def too_large(request, problems: list[Problem], field: str = "attachments") -> None:
    if getattr(request, "upload_too_large", False):
        problems.append(Problem.of(field, "the files together are larger than %(mb)s MB; at most %(max_files)s files of %(mb_each)s MB each", mb=MAX_REQUEST_FILE_BYTES // (1024 * 1024), max_files=MAX_FILES, mb_each=MAX_BYTES // (1024 * 1024)))
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
    return KINDS.get(fmt or "")


def check_uploads(files, problems: list[Problem], field: str = "attachments") -> list[Checked]:
    """Read and check uploaded files; append one problem per bad file; return the good ones."""
    files = list(files or [])
    if len(files) > MAX_FILES:
        problems.append(Problem.of(field, "at most %(max_files)s files", max_files=MAX_FILES))
        return []
    out = []
    for i, f in enumerate(files):
        where = f"{field}[{i}]"
        size = getattr(f, "size", None)
        if size is not None and size > MAX_BYTES:
            problems.append(Problem.of(where, "%(f_name)s: larger than %(mb)s MB", f_name=f.name, mb=MAX_BYTES // (1024 * 1024)))
            continue
        data = f.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            problems.append(Problem.of(where, "%(f_name)s: larger than %(mb)s MB", f_name=f.name, mb=MAX_BYTES // (1024 * 1024)))
            continue
        if not data:
            problems.append(Problem.of(where, "%(f_name)s: the file is empty", f_name=f.name))
            continue
        kind = _kind(data)
        if kind is None:
            problems.append(Problem.of(where, "%(f_name)s: not a readable JPEG, PNG or PDF file", f_name=f.name))
            continue
        name = (f.name or "file").replace("\\", "/").rsplit("/", 1)[-1][:100]
        out.append(Checked(name, kind[0], kind[1], data, hashlib.sha256(data).hexdigest()))
    return out
