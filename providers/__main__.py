"""``python -m providers``: list providers, stream one answer, or check them all."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from providers.base import Provider
from providers.cli_output import AnswerPrinter, wants_faint
from providers.errors import ProviderError
from providers.health import check_all
from providers.messages import ChatMessage
from providers.registry import ChoiceError, ProviderRegistry
from providers.settings import ProviderSettings, SettingsError
from providers.transport import create_session


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line: ``--list``, ``--check``, or ``--provider NAME prompt``."""
    parser = argparse.ArgumentParser(
        prog="python -m providers",
        description="Stream an answer from a provider, list providers, or check them. "
                    "Settings come from the environment (PROVIDERS, *_BASE_URL, "
                    "<NAME>_API_KEY, <NAME>_MODELS).")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="list providers, models and base URLs")
    mode.add_argument("--check", action="store_true", help="ask every provider for a tiny answer")
    parser.add_argument("--provider", help="provider name (see --list)")
    parser.add_argument("--model", help="model name or alias (default: the provider's)")
    parser.add_argument("--system", help="system prompt")
    parser.add_argument("--temperature", type=float, help="sampling temperature")
    parser.add_argument("--max-tokens", type=int, metavar="N",
                        help="output limit, sent as max_tokens (OpenAI-compatible only)")
    parser.add_argument("--usage", action="store_true",
                        help="print prompt and completion tokens at the end")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per check")
    parser.add_argument("prompt", nargs="?", help="the question")
    args = parser.parse_args(argv)
    if not (args.list or args.check) and not (args.provider and args.prompt):
        parser.error("give --list, --check, or --provider NAME and a prompt")
    if args.max_tokens is not None and args.max_tokens < 1:
        parser.error("--max-tokens must be at least 1")
    return args


async def run(args: argparse.Namespace) -> int:
    """Carry out the command; returns the exit status."""
    settings = ProviderSettings.from_env()
    async with create_session(settings.proxy_url) as session:
        registry = ProviderRegistry.from_settings(session, settings)
        if args.list:
            await list_providers(registry)
            return 0
        if args.check:
            return await check(registry, args.timeout)
        return await answer(registry.get(args.provider), args)


async def list_providers(registry: ProviderRegistry) -> None:
    """Print each provider with its base URL, models and aliases."""
    for provider in registry:
        unlisted = ""
        try:
            await provider.prepare()
        except ProviderError as exc:
            unlisted = f" (could not ask the server: {exc.message})"
        models = ", ".join(provider.models) or f"any (default {provider.default_model or '-'})"
        print(f"{provider.name} ({provider.label})  {provider.base_url}")
        print(f"  models: {models}{unlisted}")
        if provider.model_aliases:
            aliases = ", ".join(f"{a} -> {t}" for a, t in provider.model_aliases.items())
            print(f"  aliases: {aliases}")


async def check(registry: ProviderRegistry, timeout: float) -> int:
    """Print a table of check results; non-zero when any provider failed."""
    reports = await check_all(registry, timeout=timeout)
    width = max([len("provider"), *(len(r.provider) for r in reports)])
    print(f"{'provider':<{width}}  status  first piece  detail")
    for r in reports:
        seconds = f"{r.first_piece_seconds:.2f} s" if r.first_piece_seconds is not None else "-"
        print(f"{r.provider:<{width}}  {'ok' if r.ok else 'error':<6}  {seconds:>11}  "
              f"{'' if r.ok else r.summary}")
    return 0 if all(r.ok for r in reports) else 1


async def answer(provider: Provider, args: argparse.Namespace) -> int:
    """Stream one answer to stdout as it arrives (reasoning first, dimmed on a terminal)."""
    if not args.model:
        await provider.prepare()  # the default model may come from the server
    messages = [ChatMessage("system", args.system)] if args.system else []
    messages.append(ChatMessage("user", args.prompt))
    events = provider.events(messages, model=args.model, temperature=args.temperature,
                             max_tokens=args.max_tokens)
    printer = AnswerPrinter(sys.stdout, faint=wants_faint(sys.stdout))
    try:
        async for event in events:
            printer.show(event)
    finally:
        printer.stop()
        await events.aclose()
    sys.stdout.write("\n")
    if printer.finish in ("length", "content_filter"):
        print(f"note: the answer was cut short (finish reason: {printer.finish})",
              file=sys.stderr)
    if args.usage:
        print(printer.usage_line(messages))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: errors become one line on stderr and a non-zero status."""
    args = parse_args(argv)
    try:
        return asyncio.run(run(args))
    except (ProviderError, ChoiceError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
