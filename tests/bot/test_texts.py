"""The catalogue of user-facing texts: every text in both languages, no key defined twice."""

from __future__ import annotations

import string

from bot.texts import COMMANDS, LANGUAGES, admin, conversation, endings, media


def test_every_text_has_every_language_with_the_same_fields() -> None:
    catalogues = [conversation.TEXTS, endings.TEXTS, media.TEXTS, admin.TEXTS]
    keys = [key for catalogue in catalogues for key in catalogue]
    assert len(keys) == len(set(keys)), "a key is defined in two catalogues"
    for catalogue in [*catalogues, COMMANDS]:
        for key, variants in catalogue.items():
            assert set(variants) == set(LANGUAGES), key
            fields = [{name for _, name, _, _ in string.Formatter().parse(text) if name}
                      for text in variants.values()]
            assert all(f == fields[0] for f in fields), key
