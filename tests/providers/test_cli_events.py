"""``python -m providers`` with reasoning, usage, output limits and several endpoints."""

from __future__ import annotations

import io
import re

import pytest

from providers.cli_output import FAINT, RESET, AnswerPrinter, wants_faint
from providers.events import Finish, ReasoningPiece, ReasoningWithdrawn, TextPiece, Usage
from providers.messages import ChatMessage
from providers.usage import estimate_prompt_tokens, estimate_tokens
from tests.fakes.providers import Answer, Failure, FakeProviderServer
from tests.providers.conftest import run_cli


@pytest.fixture
def openai_env(server: FakeProviderServer, cli_env: dict[str, str]) -> dict[str, str]:
    """The CLI's environment with the ``openai`` endpoint on the fake server."""
    return {**cli_env, "OPENAI_BASE_URL": server.url_for("openai"), "OPENAI_MODELS": "m"}


async def test_reasoning_is_plain_on_a_pipe(
    server: FakeProviderServer, openai_env: dict[str, str]
) -> None:
    server.script("openai", Answer("It is 42.", reasoning="Six times seven.", piece_size=4))
    status, out, err = await run_cli(openai_env, "--provider", "openai", "6*7?")
    assert (status, out, err) == (0, "Six times seven.\n\nIt is 42.\n", "")


def test_reasoning_is_faint_on_a_terminal() -> None:
    terminal = io.StringIO()
    assert wants_faint(terminal, isatty=lambda: True)
    assert not wants_faint(terminal)  # a StringIO is no terminal
    printer = AnswerPrinter(terminal, faint=True)
    for event in (ReasoningPiece("Six "), ReasoningPiece("times seven."), TextPiece("It is "),
                  TextPiece("42."), Finish("stop")):
        printer.show(event)
    printer.stop()
    assert terminal.getvalue() == f"{FAINT}Six times seven.{RESET}\n\nIt is 42."


def test_an_answer_cut_during_reasoning_resets_the_terminal() -> None:
    terminal = io.StringIO()
    printer = AnswerPrinter(terminal, faint=True)
    printer.show(ReasoningPiece("Hm"))
    printer.stop()
    assert terminal.getvalue() == f"{FAINT}Hm{RESET}"


def test_withdrawn_reasoning_is_counted_once_as_the_answer() -> None:
    messages = [ChatMessage("user", "What is 6*7?")]
    printer = AnswerPrinter(io.StringIO(), faint=False)
    for event in (ReasoningPiece("It is 42."), ReasoningWithdrawn(), TextPiece("It is 42.")):
        printer.show(event)
    assert printer.text == ["It is 42."]
    assert printer.usage_line(messages).endswith(f"{estimate_tokens('It is 42.')} completion")


def test_usage_line_reported_or_estimated() -> None:
    messages = [ChatMessage("user", "What is 6*7?")]
    reported = AnswerPrinter(io.StringIO(), faint=False)
    reported.show(Usage(12, 3))
    assert reported.usage_line(messages) == "tokens: 12 prompt, 3 completion"
    estimated = AnswerPrinter(io.StringIO(), faint=False)
    estimated.show(ReasoningPiece("thinking"))
    estimated.show(TextPiece("42"))
    assert estimated.usage_line(messages) == (
        f"tokens (estimated): {estimate_prompt_tokens(messages)} prompt, "
        f"{estimate_tokens('thinking42')} completion")


async def test_usage_from_the_server(
    server: FakeProviderServer, openai_env: dict[str, str]
) -> None:
    server.script("openai", Answer("42", usage=(12, 3)))
    status, out, err = await run_cli(openai_env, "--provider", "openai", "--usage",
                                     "--max-tokens", "50", "6*7?")
    assert (status, out, err) == (0, "42\ntokens: 12 prompt, 3 completion\n", "")
    body = server.requests_for("openai")[0].json
    assert body["max_tokens"] == 50
    assert body["stream_options"] == {"include_usage": True}


async def test_estimated_usage_from_a_seed(
    server: FakeProviderServer, cli_env: dict[str, str]
) -> None:
    server.script("flowgpt", "Forty-two.")
    status, out, err = await run_cli(cli_env, "--provider", "flowgpt", "--usage",
                                     "--max-tokens", "5", "6*7?")
    assert (status, err) == (0, "")
    answer, usage = out.splitlines()
    assert answer == "Forty-two."
    assert re.fullmatch(r"tokens \(estimated\): \d+ prompt, 3 completion", usage)
    assert "max_tokens" not in server.requests_for("flowgpt")[0].json  # no such field


async def test_a_cut_answer_is_noted_on_stderr(
    server: FakeProviderServer, openai_env: dict[str, str]
) -> None:
    server.script("openai", Answer("Once upon", finish_reason="length"))
    status, out, err = await run_cli(openai_env, "--provider", "openai", "tell a story")
    assert (status, out) == (0, "Once upon\n")
    assert err == "note: the answer was cut short (finish reason: length)\n"


async def test_bad_max_tokens(openai_env: dict[str, str]) -> None:
    status, _, err = await run_cli(openai_env, "--provider", "openai", "--max-tokens", "0", "x")
    assert status == 2
    assert "--max-tokens must be at least 1" in err


async def test_list_and_check_cover_every_endpoint(
    server: FakeProviderServer, cli_env: dict[str, str]
) -> None:
    server.script_models("ollama", ["qwen3", "llama3:8b"])
    env = {**cli_env, "PROVIDERS": "openai,ollama,vitalentum",
           "OPENAI_BASE_URL": server.url_for("openai"), "OPENAI_MODELS": "gpt-4o-mini",
           "OLLAMA_BASE_URL": server.url_for("ollama")}
    status, out, err = await run_cli(env, "--list")
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        f"openai (OpenAI-compatible)  {server.url_for('openai')}",
        "  models: gpt-4o-mini",
        f"ollama (OpenAI-compatible)  {server.url_for('ollama')}",
        "  models: llama3:8b, qwen3",
        f"vitalentum (Vitalentum)  {server.url_for('vitalentum')}",
        "  models: any (default gpt-3.5-turbo)",
    ]
    server.script("openai", Failure(401, '{"error": {"message": "bad key"}}'))
    server.script("ollama", "OK")
    server.script("vitalentum", "OK")
    status, out, err = await run_cli(env, "--check")
    assert (status, err) == (1, "")
    rows = [row.split()[:2] for row in out.splitlines()[1:]]
    assert rows == [["openai", "error"], ["ollama", "ok"], ["vitalentum", "ok"]]
    assert out.splitlines()[1].endswith("HTTP 401: bad key")
    assert server.requests_for("ollama", "chat")[0].json["model"] == "llama3:8b"
