"""Attachment repository: what came with a question, stored and read back in order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Attachment, AttachmentKind


@dataclass(frozen=True, slots=True)
class AttachmentRecord:
    """One attachment as a question carries it (before and after storage)."""

    kind: AttachmentKind
    file_id: str
    file_unique_id: str | None = None
    name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    text: str | None = None  # a document's text, or a transcript


class AttachmentRepository:
    """Reads and writes ``attachments`` rows; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside ``session``."""
        self._session = session

    async def add(self, message_id: int, records: Sequence[AttachmentRecord]) -> None:
        """Store a question's attachments, in order."""
        for position, record in enumerate(records):
            self._session.add(Attachment(
                message_pk=message_id, position=position, kind=AttachmentKind(record.kind).value,
                file_id=record.file_id, file_unique_id=record.file_unique_id, name=record.name,
                mime_type=record.mime_type, size=record.size, text=record.text))
        await self._session.flush()

    async def unread(self, message_id: int) -> list[tuple[int, AttachmentRecord]]:
        """A question's documents and recordings not read yet, with their row ids, in order."""
        rows = await self._session.scalars(
            select(Attachment)
            .where(Attachment.message_pk == message_id, Attachment.text.is_(None),
                   Attachment.kind != AttachmentKind.PHOTO.value)
            .order_by(Attachment.position))
        return [(row.id, _record(row)) for row in rows]

    async def read(self, attachment_id: int, *, text: str, name: str | None) -> None:
        """Store what an attachment says (a document's block, a transcript)."""
        await self._session.execute(
            update(Attachment).where(Attachment.id == attachment_id).values(text=text, name=name))

    async def of(self, message_ids: Iterable[int]) -> dict[int, list[AttachmentRecord]]:
        """The attachments of each of these messages (those that have any), in order."""
        ids = set(message_ids)
        if not ids:
            return {}
        rows = await self._session.scalars(
            select(Attachment).where(Attachment.message_pk.in_(ids))
            .order_by(Attachment.message_pk, Attachment.position))
        found: dict[int, list[AttachmentRecord]] = {}
        for row in rows:
            found.setdefault(row.message_pk, []).append(_record(row))
        return found


def _record(row: Attachment) -> AttachmentRecord:
    return AttachmentRecord(AttachmentKind(row.kind), row.file_id, row.file_unique_id, row.name,
                            row.mime_type, row.size, row.text)
