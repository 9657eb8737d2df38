"""Voice notes to text through an OpenAI-compatible endpoint (``TRANSCRIBE_PROVIDER``)."""

from __future__ import annotations

from bot.media.errors import TranscriptionFailed
from providers.errors import ProviderError
from providers.openai import OpenAICompatible


class Transcriber:
    """``POST {base}/audio/transcriptions`` with ``TRANSCRIBE_MODEL``, errors translated."""

    def __init__(self, endpoint: OpenAICompatible, model: str) -> None:
        self._endpoint = endpoint
        self._model = model

    async def transcribe(self, audio: bytes, *, filename: str, content_type: str) -> str:
        """What was said, trimmed; raises :class:`TranscriptionFailed`."""
        try:
            text = await self._endpoint.transcribe(audio, filename=filename, model=self._model,
                                                   content_type=content_type)
        except ProviderError as exc:
            raise TranscriptionFailed(str(exc), reason=exc.kind) from exc
        return text.strip()
