"""Upload checks: a size limit and an allow-list of types recognised by content, not by name."""

from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

OFFICE_EXTENSIONS = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
TEXT_EXTENSIONS = {".txt": "text/plain", ".csv": "text/csv"}
ALLOWED_DESCRIPTION = "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, TXT, CSV"


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    size: int


def _sniff(head: bytes, extension: str) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04") and extension in OFFICE_EXTENSIONS:
        return OFFICE_EXTENSIONS[extension]
    if extension in TEXT_EXTENSIONS and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is still text.
            if exc.start < len(head) - 4:
                return None
        return TEXT_EXTENSIONS[extension]
    return None


def sanitize_filename(name: str) -> str:
    path = PurePath(name.replace("\\", "/")).name
    stem, suffix = PurePath(path).stem, PurePath(path).suffix.lower()
    cleaned = get_valid_filename(stem)[:100] or "fil"
    return f"{cleaned}{suffix[:10]}"


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Refuse files over the size limit and types outside the allow-list, with a clear reason."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1_000_000, 1), "limit": round(limit / 1_000_000)}
        )
    filename = sanitize_filename(upload.name or "fil")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    content_type = _sniff(head, PurePath(filename).suffix.lower())
    if content_type is None:
        raise ValidationError(
            _("%(name)s is not a file type the portal accepts (%(allowed)s).")
            % {"name": filename, "allowed": ALLOWED_DESCRIPTION}
        )
    return CheckedFile(filename=filename, content_type=content_type, size=upload.size)
