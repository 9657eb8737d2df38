"""The Bot API methods the fake answers (a method without a handler answers ``True``)."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.fakes.telegram.errors import NOT_MODIFIED, QUERY_INVALID, TelegramError
from tests.fakes.telegram.records import FakeMessage
from tests.fakes.telegram.state import TelegramState
from tests.fakes.telegram.validation import check_markup, visible_text

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_ANSWER_MAX_CHARS = 200  # the text of an answerCallbackQuery
_ADMIN_RIGHTS = (
    "can_be_edited",
    "is_anonymous",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_send_welcome_messages",
)


class BotMethods(TelegramState):
    """Handlers named ``_m_{method}`` (lower case) take the decoded params, return the result."""

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        if isinstance(offset, int) and offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        timeout = float(params.get("timeout") or 0)
        if not self._updates and timeout > 0 and not self._closing:
            self._updated.clear()
            try:
                async with asyncio.timeout(min(timeout, self.poll_cap)):
                    await self._updated.wait()
            except TimeoutError:
                pass
        return self._updates[: int(params.get("limit") or 100)]

    def _visible(
        self, params: dict[str, Any], *, allow_empty: bool = False
    ) -> tuple[str, list[dict[str, Any]]]:
        return visible_text(params, entities_enabled=self.entities_enabled, allow_empty=allow_empty)

    def _editable(self, params: dict[str, Any]) -> FakeMessage:
        message = self._find(params.get("chat_id"), params.get("message_id"))
        if message is None:
            raise TelegramError(400, "Bad Request: message to edit not found")
        if not message.from_bot:
            raise TelegramError(400, "Bad Request: message can't be edited")
        return message

    def _m_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    def _m_getmycommands(self, params: dict[str, Any]) -> list[Any]:
        return []

    def _m_getchat(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.chat(params["chat_id"]),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
            },
        }

    def _m_getchatmember(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = params["user_id"]
        status = self._members.get((params["chat_id"], user_id), "member")
        member: dict[str, Any] = {"status": status, "user": self.user(user_id)}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member |= dict.fromkeys(_ADMIN_RIGHTS, False)
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _m_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            raise TelegramError(400, "Bad Request: chat not found")
        text, entities = self._visible(params)
        check_markup(params.get("reply_markup"))
        reply = params.get("reply_parameters") or {}
        reply_to = reply.get("message_id", params.get("reply_to_message_id"))
        if reply_to is not None and self._find(chat_id, reply_to) is None:
            if not reply.get("allow_sending_without_reply"):
                raise TelegramError(400, "Bad Request: message to be replied not found")
            reply_to = None
        message = self._store(
            chat_id,
            text,
            entities,
            from_bot=True,
            thread_id=params.get("message_thread_id"),
            reply_to=reply_to,
            markup=params.get("reply_markup"),
        )
        self._drafts.pop(chat_id, None)  # a sent message replaces the draft
        return self.message_json(message)

    def _m_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(params)
        text, entities = self._visible(params)
        markup = check_markup(params.get("reply_markup"))  # left out: the keyboard goes away
        if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
            raise TelegramError(400, NOT_MODIFIED)
        message.text, message.entities, message.reply_markup = text, entities, markup
        message.edits += 1
        return self.message_json(message)

    def _m_editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(params)
        markup = check_markup(params.get("reply_markup"))
        if markup == message.reply_markup:
            raise TelegramError(400, NOT_MODIFIED)
        message.reply_markup = markup
        return self.message_json(message)

    def _m_deletemessage(self, params: dict[str, Any]) -> bool:
        message = self._find(params.get("chat_id"), params.get("message_id"))
        if message is None:
            raise TelegramError(400, "Bad Request: message to delete not found")
        message.deleted = True
        return True

    def _m_sendmessagedraft(self, params: dict[str, Any]) -> bool:
        chat_id = params.get("chat_id")
        if not self.drafts_enabled:
            raise TelegramError(400, "Bad Request: TEXTDRAFT_PEER_INVALID")
        if not isinstance(chat_id, int) or self.chat(chat_id)["type"] != "private":
            raise TelegramError(400, "Bad Request: drafts can be sent only to private chats")
        if not params.get("draft_id"):
            raise TelegramError(400, "Bad Request: draft_id must be non-zero")
        text, _ = self._visible(params, allow_empty=True)
        self._drafts[chat_id] = (params["draft_id"], text)
        return True

    def _m_sendchataction(self, params: dict[str, Any]) -> bool:
        if params.get("action") not in _CHAT_ACTIONS:
            raise TelegramError(400, "Bad Request: wrong parameter action in request")
        return True

    def _m_answercallbackquery(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id"))
        if self._queries.get(query_id, True):  # unknown, or answered already
            raise TelegramError(400, QUERY_INVALID)
        if len(str(params.get("text") or "")) > _ANSWER_MAX_CHARS:
            raise TelegramError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._queries[query_id] = True
        return True
