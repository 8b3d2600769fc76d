"""A ceiling on the size of any upload, checked while the request arrives.

Django parses a multipart body as soon as anything reads ``request.POST`` (the CSRF check does, before
the view), and spools files to disk: without a ceiling, a client could fill the disk before any view
checks a file's size. This handler stops reading past ``SEEDBED_UPLOAD_MAX_MB`` (from the declared length
when there is one, otherwise as the bytes arrive); the form then has no file and the page says so. Each
file question still checks its own, smaller limit.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


def upload_limit() -> int:
    return int(settings.SEEDBED_UPLOAD_MAX_MB) * 1024 * 1024


class UploadCeilingHandler(FileUploadHandler):
    """First in ``FILE_UPLOAD_HANDLERS``: passes every chunk on, until the request is too large."""

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        self.received = 0
        # Room for the other fields. Raised from ``new_file``: Django stops cleanly only there and below.
        self.too_large = bool(content_length and content_length > upload_limit() + 64 * 1024)

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "too_large", False):
            raise StopUpload(connection_reset=True)
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received = getattr(self, "received", 0) + len(raw_data)
        if self.received > upload_limit():
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
