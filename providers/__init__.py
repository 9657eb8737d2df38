"""A standalone library of streaming chat providers.

The four gpt4free-era protocols (Vitalentum, AI365VIP, CodeLinkAva, FlowGpt)
and any number of OpenAI-compatible endpoints, sharing one session, one error
tree (``providers.errors``), one stream of typed events (``providers.events``)
and one fallback rule (``providers.fallback``). It never imports the bot.
"""

from providers.ai365vip import AI365VIP
from providers.answer_stream import AnswerStream
from providers.base import Opened, Provider
from providers.codelinkava import CodeLinkAva
from providers.errors import (
    AccessDenied,
    AllProvidersFailed,
    EmptyResponse,
    ImagesNotSupported,
    ModelNotSupported,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimited,
    RequestRejected,
    ResponseFormatError,
    StreamError,
)
from providers.events import (
    Finish,
    PieceEvent,
    ReasoningPiece,
    ReasoningWithdrawn,
    Started,
    StreamEvent,
    TextPiece,
    Usage,
)
from providers.fallback import Attempt, FallbackStream
from providers.flowgpt import FlowGpt
from providers.messages import IMAGE_MARKER, ChatMessage, Image, format_prompt
from providers.openai import OpenAICompatible
from providers.registry import PROVIDER_CLASSES, Choice, ChoiceError, ProviderRegistry
from providers.settings import (
    BUILTIN_PROTOCOLS,
    EndpointSettings,
    ProviderSettings,
    SettingsError,
    is_builtin,
)
from providers.transport import Timeouts, create_session
from providers.usage import estimate_prompt_tokens, estimate_tokens
from providers.vitalentum import Vitalentum

__all__ = [
    "AI365VIP",
    "BUILTIN_PROTOCOLS",
    "IMAGE_MARKER",
    "PROVIDER_CLASSES",
    "AccessDenied",
    "AllProvidersFailed",
    "AnswerStream",
    "Attempt",
    "ChatMessage",
    "Choice",
    "ChoiceError",
    "CodeLinkAva",
    "EmptyResponse",
    "EndpointSettings",
    "FallbackStream",
    "Finish",
    "FlowGpt",
    "Image",
    "ImagesNotSupported",
    "ModelNotSupported",
    "OpenAICompatible",
    "Opened",
    "PieceEvent",
    "Provider",
    "ProviderError",
    "ProviderRegistry",
    "ProviderSettings",
    "ProviderTimeout",
    "ProviderUnavailable",
    "RateLimited",
    "ReasoningPiece",
    "ReasoningWithdrawn",
    "RequestRejected",
    "ResponseFormatError",
    "SettingsError",
    "Started",
    "StreamError",
    "StreamEvent",
    "TextPiece",
    "Timeouts",
    "Usage",
    "Vitalentum",
    "create_session",
    "estimate_prompt_tokens",
    "estimate_tokens",
    "format_prompt",
    "is_builtin",
]
