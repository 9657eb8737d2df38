"""A fake Telegram Bot API server that behaves like Telegram, for bot tests and benchmarks.

A real ``aiohttp.web`` server on 127.0.0.1 (random port) answering
``{base}/bot{token}/{method}`` (JSON, form-encoded or multipart bodies, as
aiogram sends them)::

    clock = FakeClock()                           # or None: the loop's clock
    async with FakeTelegram(clock=clock) as tg:
        bot = tg.bot(clock=clock)                 # aiogram Bot over HTTP to the fake
        tg.private_message(user_id=5, text="hi")  # an update for getUpdates
        ...
        tg.visible_texts(5)                       # what the user sees now
        tg.calls("editMessageText"), tg.count_429
        await bot.session.close()

Like Telegram it applies flood control per chat (token buckets: private ≈1/s
with a burst of 3, groups 20/min with a burst of 3, ≈30/s bot-wide), answering
``429 ... retry after N`` and lengthening the window when a chat keeps calling
inside it; refuses identical edits (``message is not modified``, trailing
whitespace trimmed), texts over 4096 UTF-16 units, empty texts, entities
outside the text, drafts outside private chats, inline keyboards over 100
buttons (or 8 a row) or with callback data over 64 bytes, and a callback
query answered twice. Scripted trouble: :meth:`FakeTelegram.block`,
:meth:`~FakeTelegram.delete_message`, :meth:`~FakeTelegram.fail_next`,
:meth:`~FakeTelegram.pause`, ``drafts_enabled``/``entities_enabled``,
:meth:`~FakeTelegram.set_member`; servers that differ from Telegram:
:meth:`~FakeTelegram.answer_raw` (an HTML page, garbage, JSON that does not
validate) and :meth:`~FakeTelegram.forget_method` (404 "Not Found").

Users act through :meth:`FakeTelegram.private_message`, ``group_message``
(``mention=True`` adds the ``@bot`` mention entity; ``/commands`` get their
``bot_command`` entity), ``callback_query``, ``stopped_generation`` or a raw
``push_update``; text messages take ``quote``, ``external_reply`` and
``forward_origin`` (built by ``origin_user``, ``origin_hidden_user``,
``origin_chat``, ``origin_channel`` and ``external_reply``). Files: ``add_file``
registers bytes for ``getFile`` and the download route (``local=True`` or
``local_mode``: an absolute path on disk, as ``telegram-bot-api --local``);
``private_photo``, ``group_photo``, ``private_document``, ``private_voice``,
``private_audio``, ``private_video_note`` and ``media_message`` send them;
``pause_downloads``, ``fail_downloads``, ``cut_downloads`` and
``chunked_downloads`` script slow or broken downloads (recorded as ``download``
calls). Every call is recorded (:class:`Call`: method, decoded params, time,
status) and every message keeps its current state (:class:`FakeMessage`);
texts are stored as Telegram shows them: trailing whitespace trimmed,
``parse_mode`` markup checked roughly and stripped.

Webhooks: after ``setWebhook`` (as a bot calls it) every queued update is
POSTed to the webhook URL with the secret token header instead of waiting for
``getUpdates`` (which answers 409 meanwhile), up to ``max_connections`` at
once; what gets no 2xx answer within ``webhook_timeout`` is delivered again
``redelivery_delay`` later. ``deliveries`` records every attempt,
``pending_deliveries`` counts what is not delivered yet.

Time comes from an injected clock (``now()``); :class:`FakeClock` with
``autojump`` moves only when every task waits on it and no request made
through a bot from :meth:`FakeTelegram.bot` is in flight, so throttling
tests are deterministic and take no real time.

Modules: ``clock`` (time), ``session`` (aiogram's side), ``records``, ``errors``,
``flood``, ``params`` (request decoding), ``validation`` (text rules), ``state``,
``inspection``, ``scripting``, ``updates``, ``origins``, ``files``, ``media``,
``methods``, ``webhooks`` and ``server``.
"""

from tests.fakes.telegram.clock import FakeClock, NowClock
from tests.fakes.telegram.errors import NOT_MODIFIED, QUERY_INVALID, TelegramError
from tests.fakes.telegram.flood import FloodRules
from tests.fakes.telegram.media import DEFAULT_SIZES, jpeg_stub
from tests.fakes.telegram.records import Call, FakeMessage, WebhookConfig, WebhookDelivery
from tests.fakes.telegram.server import FakeTelegram
from tests.fakes.telegram.session import HoldClock, LocalSession, local_bot
from tests.fakes.telegram.validation import utf16_units

__all__ = [
    "DEFAULT_SIZES",
    "NOT_MODIFIED",
    "QUERY_INVALID",
    "Call",
    "FakeClock",
    "FakeMessage",
    "FakeTelegram",
    "FloodRules",
    "HoldClock",
    "LocalSession",
    "NowClock",
    "TelegramError",
    "WebhookConfig",
    "WebhookDelivery",
    "jpeg_stub",
    "local_bot",
    "utf16_units",
]
