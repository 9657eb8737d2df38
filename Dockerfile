# The bot as a small image: python:3.11-slim, the project with PostgreSQL and Redis
# support, run as an unprivileged user. Build: docker build -t llm-telegram-gateway .

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY providers providers
COPY bot bot
COPY migrations migrations
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[postgres,redis]"

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HTTP_LISTEN=0.0.0.0:8080
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index /wheels/*.whl \
    && rm -rf /wheels \
    && useradd --create-home --uid 10001 bot \
    && mkdir /app /app/data \
    && chown bot:bot /app/data
WORKDIR /app
# SQLite's default file (DATABASE_URL=sqlite+aiosqlite:///data/bot.db) lives here.
VOLUME /app/data
USER bot
EXPOSE 8080
# Liveness only (/healthz): a database outage must not get every worker restarted.
# compose.yaml checks readiness (/readyz) instead, to gate the proxy on it.
# slim has no curl; the port follows HTTP_LISTEN.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["python", "-c", \
    "import os, urllib.request; port = os.environ.get('HTTP_LISTEN', ':8080').rpartition(':')[2]; urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=2)"]
CMD ["python", "-m", "bot"]
