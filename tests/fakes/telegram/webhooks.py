"""Webhooks: ``setWebhook``, ``deleteWebhook``, ``getWebhookInfo``, and updates POSTed to the bot.

While a webhook is set, ``getUpdates`` answers 409 and every queued update
(however a user action queued it) is POSTed as JSON to the webhook's URL with
``X-Telegram-Bot-Api-Secret-Token``, up to ``max_connections`` at once, in
``update_id`` order. An update is forgotten once answered 2xx; a non-2xx
answer, a refused connection or no answer within :attr:`webhook_timeout`
seconds makes it due again :attr:`redelivery_delay` seconds later. Every
attempt is recorded in :attr:`deliveries`. Deliveries run in real time (the
loop's clock), whatever clock the fake's records use.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import aiohttp

from tests.fakes.telegram.errors import TelegramError
from tests.fakes.telegram.records import WebhookConfig, WebhookDelivery
from tests.fakes.telegram.state import TelegramState

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
# Without allowed_updates Telegram sends every type but these.
_OPT_IN = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


class Webhooks(TelegramState):
    """The webhook methods and the deliveries they start (see the module docstring)."""

    webhook_timeout = 10.0  # seconds Telegram waits for the bot's answer
    redelivery_delay = 0.2  # seconds before a failed update is due again

    @property
    def pending_deliveries(self) -> int:
        """Updates not yet answered 2xx by the webhook (or confirmed by getUpdates)."""
        return len(self._updates)

    def _m_setwebhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url") or "")
        if not url:  # an empty URL removes the webhook, as deleteWebhook does
            return self._m_deletewebhook(params)
        if not url.startswith(("https://", "http://")):
            raise TelegramError(400, "Bad Request: bad webhook: HTTPS url must be provided")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET.fullmatch(str(secret)):
            raise TelegramError(400, "Bad Request: secret token contains unallowed characters")
        connections = int(params.get("max_connections") or 40)
        if not 1 <= connections <= 100:
            raise TelegramError(400, "Bad Request: bad max_connections")
        allowed = params.get("allowed_updates")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = WebhookConfig(url, None if secret is None else str(secret), connections,
                                     tuple(allowed) if allowed else None)
        if self._deliverer is None or self._deliverer.done():
            self._deliverer = asyncio.create_task(self._deliver_all(), name="fake-webhook")
        self._updated.set()
        return True

    def _m_deletewebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._updated.set()  # the deliverer sees it and stops
        return True

    def _m_getwebhookinfo(self, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook is not None:
            info["max_connections"] = self.webhook.max_connections
            if self.webhook.allowed_updates is not None:
                info["allowed_updates"] = list(self.webhook.allowed_updates)
        if self._webhook_error is not None:
            info["last_error_date"] = int(self._webhook_error[0])
            info["last_error_message"] = self._webhook_error[1]
        return info

    def _refuse_polling(self) -> None:
        """getUpdates while a webhook is set: 409, as Telegram answers."""
        if self.webhook is not None:
            raise TelegramError(409, CONFLICT)

    # -- delivering ------------------------------------------------------------------------

    async def _deliver_all(self) -> None:
        """Start due deliveries until the webhook is removed or the fake closes."""
        loop = asyncio.get_running_loop()
        while (config := self.webhook) is not None and not self._closing:
            self._updated.clear()
            now = loop.time()
            for update in sorted(self._updates, key=lambda u: int(u["update_id"])):
                update_id = int(update["update_id"])
                if len(self._delivering) >= config.max_connections:
                    break
                if update_id in self._delivering or self._due_at.get(update_id, now) > now:
                    continue
                if not _allowed(update, config):
                    self._forget(update_id)
                    continue
                self._delivering[update_id] = asyncio.create_task(
                    self._deliver(update, config), name=f"fake-webhook-{update_id}")
            next_due = min((at for i, at in self._due_at.items() if i not in self._delivering),
                           default=None)
            timeout = None if next_due is None else max(0.0, next_due - loop.time())
            try:
                async with asyncio.timeout(timeout):
                    await self._updated.wait()
            except TimeoutError:
                pass

    async def _deliver(self, update: dict[str, Any], config: WebhookConfig) -> None:
        loop = asyncio.get_running_loop()
        update_id = int(update["update_id"])
        attempt = 1 + sum(1 for d in self.deliveries if d.update_id == update_id)
        record = WebhookDelivery(update_id, attempt, loop.time())
        self.deliveries.append(record)
        headers = {SECRET_HEADER: config.secret_token} if config.secret_token else {}
        try:
            if self._http is None:
                self._http = aiohttp.ClientSession()
            async with self._http.post(
                config.url, json=update, headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as response:
                record.status = response.status
                await response.read()
            if not record.delivered:
                record.error = f"Wrong response from the webhook: {record.status} {response.reason}"
        except TimeoutError:
            record.error = "Read timeout expired"
        except aiohttp.ClientError as exc:
            record.error = f"Connection failed: {exc}"
        finally:
            del self._delivering[update_id]
            if record.delivered:
                self._forget(update_id)
            else:
                self._webhook_error = (loop.time(), record.error)
                self._due_at[update_id] = loop.time() + self.redelivery_delay
            self._updated.set()

    def _forget(self, update_id: int) -> None:
        self._updates = [u for u in self._updates if u["update_id"] != update_id]
        self._due_at.pop(update_id, None)

    async def _close_webhooks(self) -> None:
        """Stop delivering (deliveries in flight are cancelled) and close the HTTP client."""
        tasks = [*self._delivering.values(), *([self._deliverer] if self._deliverer else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.close()


def _allowed(update: dict[str, Any], config: WebhookConfig) -> bool:
    kind = next((key for key in update if key != "update_id"), "")
    if config.allowed_updates is None:
        return kind not in _OPT_IN
    return kind in config.allowed_updates
