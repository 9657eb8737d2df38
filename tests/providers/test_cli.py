"""``python -m providers`` as a real process, pointed at the fake server by the environment."""

from __future__ import annotations

import asyncio
import re
import sys

import pytest

from tests.fakes.providers import Answer, Failure, FakeProviderServer, every
from tests.providers.conftest import run_cli

SEEDS = ("vitalentum", "ai365vip", "codelinkava", "flowgpt")


async def test_list(server: FakeProviderServer, cli_env: dict[str, str]) -> None:
    server.models = ["m-two", "m-one"]
    cli_env["OPENAI_BASE_URL"] = server.url_for("openai")
    status, out, err = await run_cli(cli_env, "--list")
    assert (status, err) == (0, "")
    flowgpt_models = (
        "gpt-3.5-turbo, gpt-3.5-long, gpt-4-turbo, google-gemini, claude-instant, claude-v1, "
        "claude-v2, llama2-13b, mythalion-13b, pygmalion-13b, chronos-hermes-13b, "
        "Mixtral-8x7B, Dolphin-2.6-8x7B")
    assert out.splitlines() == [
        f"vitalentum (Vitalentum)  {server.url_for('vitalentum')}",
        "  models: any (default gpt-3.5-turbo)",
        f"ai365vip (AI365VIP)  {server.url_for('ai365vip')}",
        "  models: gpt-3.5-turbo, gpt-3.5-turbo-16k, gpt-4o",
        "  aliases: gpt-3.5-turbo -> gpt-3.5-turbo-16k",
        f"codelinkava (CodeLinkAva)  {server.url_for('codelinkava')}",
        "  models: any (default gpt-3.5-turbo)",
        f"flowgpt (FlowGpt)  {server.url_for('flowgpt')}",
        f"  models: {flowgpt_models}",
        "  aliases: gemini -> google-gemini, gemini-pro -> google-gemini",
        f"openai (OpenAI-compatible)  {server.url_for('openai')}",
        "  models: m-one, m-two",
    ]


async def test_stream_a_prompt(server: FakeProviderServer, cli_env: dict[str, str]) -> None:
    server.script("flowgpt", Answer("Привет! Это ответ.", piece_size=2))
    status, out, err = await run_cli(
        cli_env, "--provider", "flowgpt", "--model", "gemini", "--system", "S",
        "--temperature", "0.3", "hi")
    assert (status, out, err) == (0, "Привет! Это ответ.\n", "")
    body = server.requests_for("flowgpt")[0].json
    assert (body["model"], body["system"], body["question"], body["temperature"]) == (
        "google-gemini", "S", "hi", 0.3)
    assert body["history"] == [{"role": "assistant", "content": "Hello, how can I help you today?"}]


async def test_openai_without_a_model_uses_the_first_the_server_lists(
    server: FakeProviderServer, cli_env: dict[str, str]
) -> None:
    server.models = ["zeta", "alpha"]
    server.script("openai", "from alpha")
    cli_env.update(OPENAI_BASE_URL=server.url_for("openai"), OPENAI_API_KEY="sk-cli")
    status, out, err = await run_cli(cli_env, "--provider", "openai", "hello")
    assert (status, out, err) == (0, "from alpha\n", "")
    listing, chat = server.requests
    assert listing.path == "/openai/models"
    assert chat.json["model"] == "alpha"
    assert chat.headers["Authorization"] == "Bearer sk-cli"


async def test_proxy_url_is_honoured(server: FakeProviderServer, cli_env: dict[str, str]) -> None:
    server.script("codelinkava", "proxied")
    cli_env.update(PROXY_URL=server.base_url,
                   CODELINKAVA_BASE_URL="http://codelinkava.invalid/codelinkava")
    status, out, err = await run_cli(cli_env, "--provider", "codelinkava", "hi")
    assert (status, out, err) == (0, "proxied\n", "")
    assert server.requests[0].url == "http://codelinkava.invalid/codelinkava/api/chat"


async def test_check_table_with_a_failing_provider(
    server: FakeProviderServer, cli_env: dict[str, str]
) -> None:
    server.script("vitalentum", "OK")
    server.script("flowgpt", Failure(503, "maintenance"))
    cli_env["PROVIDERS"] = "vitalentum,flowgpt"
    status, out, err = await run_cli(cli_env, "--check")
    assert status == 1
    assert err == ""
    header, first, second = out.splitlines()
    assert header == "provider    status  first piece  detail"
    assert re.fullmatch(r"vitalentum  ok      +\d+\.\d\d s  ", first)
    assert second == "flowgpt     error             -  HTTP 503: maintenance"


async def test_check_all_ok(server: FakeProviderServer, cli_env: dict[str, str]) -> None:
    for name in SEEDS:
        server.script(name, "OK")
    status, out, err = await run_cli(cli_env, "--check")
    assert (status, err) == (0, "")
    rows = out.splitlines()[1:]
    assert [row.split()[:2] for row in rows] == [[name, "ok"] for name in SEEDS]


@pytest.mark.parametrize(("args", "env", "line"), [
    (["--provider", "ai365vip", "--model", "nope", "hi"], {},
     "error: ai365vip: model 'nope' is not supported; "
     "valid models: gpt-3.5-turbo, gpt-3.5-turbo-16k, gpt-4o"),
    (["--provider", "flowgpt", "hi"], {},
     "error: flowgpt: HTTP 503: down for maintenance"),
    (["--provider", "bard", "hi"], {},
     "error: unknown provider 'bard'; available: vitalentum, ai365vip, codelinkava, flowgpt"),
    (["--list"], {"VITALENTUM_BASE_URL": "ftp://vitalentum"},
     "error: VITALENTUM_BASE_URL: must start with http:// or https://"),
    (["--check"], {"PROVIDERS": "flowgpt,gemini"},
     "error: GEMINI_BASE_URL: required for the OpenAI-compatible endpoint 'gemini' "
     "named in PROVIDERS"),
    (["--check"], {"PROVIDERS": "flowgpt,my-llm"},
     "error: PROVIDERS: 'my-llm' is not a provider name "
     "(letters, digits and '_', starting with a letter)"),
])
async def test_a_failure_is_one_line_on_stderr(
    server: FakeProviderServer, cli_env: dict[str, str],
    args: list[str], env: dict[str, str], line: str,
) -> None:
    server.script("flowgpt", Failure(503, "down for maintenance"))
    status, out, err = await run_cli({**cli_env, **env}, *args)
    assert status == 1
    assert out == ""
    assert err == line + "\n"


async def test_an_interrupted_answer_keeps_its_text_and_reports_one_line(
    server: FakeProviderServer, cli_env: dict[str, str]
) -> None:
    # Cut once the CLI has printed text: data unread when a connection drops is lost with it.
    printed = asyncio.Event()
    server.script("vitalentum", Answer("partial " * 40, chunks=every(400), cut_after=1,
                                       gates={1: printed}))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "providers", "--provider", "vitalentum", "hi", env=cli_env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    assert process.stdout is not None
    first = await process.stdout.read(1)  # the CLI flushes every piece it prints
    printed.set()
    rest, errors = await process.communicate()
    status, out, err = process.returncode, (first + rest).decode(), errors.decode()
    assert status == 1
    assert out
    assert ("partial " * 40).startswith(out)
    assert err.count("\n") == 1
    assert err.startswith("error: vitalentum: connection failed: ")


async def test_usage_error(cli_env: dict[str, str]) -> None:
    status, out, err = await run_cli(cli_env)
    assert status == 2
    assert out == ""
    assert "give --list, --check, or --provider NAME and a prompt" in err
