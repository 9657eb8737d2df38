"""The deployment files hold together: compose services, health checks, proxy, image.

Docker is not needed: ``compose.yaml`` is read with a small reader of the YAML
subset it uses (nested block mappings), and the workers' environment is put
through the bot's own settings validation.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from bot.config import load_settings

TOKEN = "1:" + "x" * 35  # well formed; these settings never reach Telegram

ROOT = Path(__file__).resolve().parents[1]
WORKERS = ("bot-1", "bot-2")
SAMPLE = {"BOT_DOMAIN": "bot.example.com", "WEBHOOK_SECRET": "abc_DEF-123",
          "POSTGRES_PASSWORD": "pw"}


def mapping(lines: list[str], indent: int) -> dict[str, list[str]]:
    """The block mapping at ``indent``: key → its own line and the lines nested under it."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        depth = len(line) - len(line.lstrip(" "))
        if depth == indent and not line.lstrip().startswith("- "):
            current = found.setdefault(line.strip().split(":", 1)[0], [line])
        elif depth > indent and current is not None:
            current.append(line)
    return found


def value(line: str) -> str:
    """The scalar after ``key:`` on a line, unquoted."""
    return line.split(":", 1)[1].strip().strip('"')


def services() -> dict[str, dict[str, list[str]]]:
    lines = (ROOT / "compose.yaml").read_text(encoding="utf-8").splitlines()
    top = mapping(lines, 0)
    return {name: mapping(body[1:], 4) for name, body in mapping(top["services"][1:], 2).items()}


def environment(service: dict[str, list[str]]) -> dict[str, str]:
    """The service's environment with compose's ``${VAR:?message}`` filled from SAMPLE."""
    env = {line.strip().split(":", 1)[0]: value(line) for line in service["environment"][1:]}
    return {key: re.sub(r"\$\{(\w+)(?::\?[^}]*)?\}", lambda m: SAMPLE[m.group(1)], raw)
            for key, raw in env.items()}


def test_compose_runs_the_database_redis_two_workers_and_a_proxy() -> None:
    assert set(services()) == {"postgres", "redis", *WORKERS, "proxy"}


def test_every_worker_is_a_webhook_worker_the_bot_accepts() -> None:
    for name in WORKERS:
        env = environment(services()[name])
        assert env["DATABASE_URL"].startswith("postgresql+asyncpg://"), name
        settings = load_settings(_env_file=None, bot_token=TOKEN,
                                 **{key.lower(): raw for key, raw in env.items()})
        assert settings.webhook_url == "https://bot.example.com/telegram/webhook"
        assert settings.redis_url is not None
        assert settings.listen_address == ("0.0.0.0", 8080)


def test_workers_wait_for_healthy_stores_and_report_readiness() -> None:
    for name in WORKERS:
        worker = services()[name]
        assert "/readyz" in "".join(worker["healthcheck"]), name
        needs = mapping(worker["depends_on"][1:], 6)
        assert set(needs) == {"postgres", "redis"}
        assert all("condition: service_healthy" in "".join(body) for body in needs.values())
    for store in ("postgres", "redis"):
        assert "test:" in "".join(services()[store]["healthcheck"])


def test_the_proxy_waits_for_ready_workers_and_balances_the_webhook_over_both() -> None:
    proxy = services()["proxy"]
    needs = mapping(proxy["depends_on"][1:], 6)
    assert set(needs) == set(WORKERS)
    assert all("condition: service_healthy" in "".join(body) for body in needs.values())
    assert any("./deploy/Caddyfile:/etc/caddy/Caddyfile" in line for line in proxy["volumes"])

    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    webhook_path = urlsplit(environment(services()["bot-1"])["WEBHOOK_URL"]).path
    assert f"handle {webhook_path} {{" in caddyfile
    [upstreams] = re.findall(r"reverse_proxy ([^{]+)\{", caddyfile)
    assert upstreams.split() == [f"{name}:8080" for name in WORKERS]
    assert "health_uri /readyz" in caddyfile


def test_the_image_is_slim_unprivileged_and_runs_the_bot() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.MULTILINE)
    [user] = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert user not in {"root", "0"}
    assert '.[postgres,redis]"' in dockerfile
    assert 'CMD ["python", "-m", "bot"]' in dockerfile
    assert re.search(r"^HEALTHCHECK .*urllib\.request.*/healthz", dockerfile,
                     re.MULTILINE | re.DOTALL)
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert {".env", ".venv", ".git", "tests"} <= set(ignored)
