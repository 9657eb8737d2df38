"""A standalone library of streaming chat providers.

The four gpt4free-era protocols (Vitalentum, AI365VIP, CodeLinkAva, FlowGpt)
and an OpenAI-compatible one, sharing one session, one error tree
(``providers.errors``) and one fallback rule (``providers.fallback``).
It never imports the bot.
"""

from providers.ai365vip import AI365VIP
from providers.base import AnswerStream, Provider
from providers.codelinkava import CodeLinkAva
from providers.errors import (
    AccessDenied,
    AllProvidersFailed,
    EmptyResponse,
    ModelNotSupported,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimited,
    RequestRejected,
    ResponseFormatError,
)
from providers.fallback import Attempt, FallbackStream
from providers.flowgpt import FlowGpt
from providers.messages import ChatMessage, format_prompt
from providers.openai import OpenAICompatible
from providers.registry import PROVIDER_CLASSES, Choice, ChoiceError, ProviderRegistry
from providers.settings import ProviderSettings, SettingsError
from providers.transport import Timeouts, create_session
from providers.vitalentum import Vitalentum

__all__ = [
    "AI365VIP",
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
    "FallbackStream",
    "FlowGpt",
    "ModelNotSupported",
    "OpenAICompatible",
    "Provider",
    "ProviderError",
    "ProviderRegistry",
    "ProviderSettings",
    "ProviderTimeout",
    "ProviderUnavailable",
    "RateLimited",
    "RequestRejected",
    "ResponseFormatError",
    "SettingsError",
    "Timeouts",
    "Vitalentum",
    "create_session",
    "format_prompt",
]
