"""Any Bot API object aiogram models, filled in at random from its pydantic fields.

Walks the type annotations of aiogram's models (unions, literals, lists, nested
objects, aliases) and builds JSON-shaped dicts that ``model_validate`` accepts:
required fields always, optional ones now and then, fewer the deeper it goes.
``hooks`` build the objects that must look real (users, chats, messages).
"""

from __future__ import annotations

import enum
import random
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from aiogram.client.default import Default
from pydantic import BaseModel

from tests.fakes.telegram.fuzz_text import TextFuzzer

Hook = Callable[[int], Any]  # depth → a JSON value
_INTS = (0, 1, 2, 7, 42, 255, 4096, 2**31 - 1, 2**32, 2**53 - 1, -1)
_SIMPLE = (str, int, float, bool)


class SchemaFiller:
    """Random valid JSON for aiogram models (see the module docstring)."""

    def __init__(self, rng: random.Random, text: TextFuzzer, *,
                 hooks: Mapping[type, Hook] | None = None, optional_chance: float = 0.3,
                 max_depth: int = 4) -> None:
        self.rng = rng
        self._text = text
        self.hooks: dict[type, Hook] = dict(hooks or {})
        self.optional_chance = optional_chance
        self.max_depth = max_depth

    def build(self, model: type[BaseModel], depth: int = 0, **fixed: Any) -> dict[str, Any]:
        """A dict for ``model``: ``fixed`` fields as given (by field name), the rest random."""
        data: dict[str, Any] = {}
        chance = self.optional_chance / (depth + 1) if depth < self.max_depth else 0.0
        for name, field in model.model_fields.items():
            key = field.alias or name
            if name in fixed:
                if fixed[name] is not None:
                    data[key] = fixed[name]
                continue
            wanted = field.is_required() or _is_literal(field.annotation) \
                or self.rng.random() < chance
            if wanted:
                value = self.value(field.annotation, depth + 1)
                if value is not None:
                    data[key] = value
        return data

    def value(self, annotation: Any, depth: int) -> Any:
        """A random JSON value of the annotated type (None only where None is allowed)."""
        if hasattr(annotation, "__value__"):  # a TypeAliasType (recursive rich text)
            return self.value(annotation.__value__, depth)
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            return self.value(typing.get_args(annotation)[0], depth)
        if origin in (typing.Union, types.UnionType):
            return self.value(self._pick(typing.get_args(annotation), depth), depth)
        if origin is typing.Literal:
            choice = self.rng.choice(typing.get_args(annotation))
            return choice.value if isinstance(choice, enum.Enum) else choice
        if origin is list:
            (item,) = typing.get_args(annotation)
            count = 1 if depth >= self.max_depth else self.rng.randint(1, 3)
            return [self.value(item, depth + 1) for _ in range(count)]
        if annotation in self.hooks:
            return self.hooks[annotation](depth)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return self.build(annotation, depth)
        return self._scalar(annotation)

    def _pick(self, options: tuple[Any, ...], depth: int) -> Any:
        usable = [o for o in options if o is not type(None) and o is not Default]
        if depth >= self.max_depth:
            simple = [o for o in usable if o in _SIMPLE]
            if simple:
                return self.rng.choice(simple)
        return self.rng.choice(usable)

    def _scalar(self, annotation: Any) -> Any:
        if annotation is bool:
            return self.rng.random() < 0.5
        if annotation is int:
            return self.rng.choice(_INTS) if self.rng.random() < 0.3 \
                else self.rng.randint(1, 10**6)
        if annotation is float:
            return self.rng.choice((0.0, -1.5, 3.25, 89.999, 1e300, self.rng.uniform(-180, 180)))
        if annotation is str:
            return self._text.short(16)
        if annotation is datetime:
            return self.rng.randint(1_600_000_000, 1_900_000_000)
        raise TypeError(f"the fuzzer cannot build {annotation!r}")


def _is_literal(annotation: Any) -> bool:
    """Literal fields (``type``, ``status``, ``source``) tell unions apart: always set them."""
    for arg in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(arg) is typing.Literal:
            return True
    return False
