"""The fake provider's side of the benchmark: prose, cut into sub-word pieces at ≈50 pieces/s."""

from __future__ import annotations

import random

PIECE_EVERY = 0.02  # ≈50 pieces per second
PROSE = (
    "the answer depends on what you need first consider a simple approach then measure "
    "carefully because streaming text into Telegram has limits of its own and every "
    "message edit counts against them so pacing matters more than raw speed"
)
VOCABULARY = PROSE.split()


def answer_text(rng: random.Random, words: int) -> str:
    """Prose made of common words, with a paragraph break now and then."""
    chosen = [rng.choice(VOCABULARY) for _ in range(words)]
    chosen[0] = chosen[0].capitalize()
    text = " ".join(w + ("\n\n" if rng.random() < 0.03 else "") for w in chosen)
    return text.replace("\n\n ", "\n\n")


def pieces_of(text: str, rng: random.Random) -> list[str]:
    """Sub-word pieces of 1-5 characters, the way model tokens arrive."""
    pieces, i = [], 0
    while i < len(text):
        size = rng.randint(1, 5)
        pieces.append(text[i : i + size])
        i += size
    return pieces


def answer_pieces(rng: random.Random, seconds: float) -> list[str]:
    """The pieces of one answer that takes ``seconds`` to write at one piece per PIECE_EVERY."""
    text = answer_text(rng, int(seconds * 50 / 2.2))  # ≈ 50 pieces of ~3 characters per second
    return pieces_of(text, rng)[: int(seconds / PIECE_EVERY)]


def make_answers(
    count: int, seconds: float, rng: random.Random, first_chat: int
) -> dict[int, list[str]]:
    """The provider's pieces for ``count`` answers (half private chats, half groups)."""
    answers = {}
    for i in range(count):
        chat = first_chat + i if i % 2 == 0 else -(first_chat + i)
        answers[chat] = answer_pieces(rng, seconds)
    return answers
