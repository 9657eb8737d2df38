"""Reading a ``multipart/form-data`` request body, as a transcription endpoint receives it."""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser


@dataclass(frozen=True)
class FormField:
    """One field of a form: its bytes, and the file name and type when it is a file."""

    value: bytes
    filename: str | None = None
    content_type: str | None = None

    @property
    def text(self) -> str:
        """The value as UTF-8 text (for plain fields such as ``model``)."""
        return self.value.decode("utf-8", errors="replace")


def parse_form(content_type: str, body: bytes) -> dict[str, FormField]:
    """The named fields of a multipart body (the MIME parser does the framing)."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    fields: dict[str, FormField] = {}
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        return fields
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        fields[name] = FormField(
            payload if isinstance(payload, bytes) else b"",
            part.get_filename(),
            part.get_content_type() if part.get("Content-Type") else None,
        )
    return fields
