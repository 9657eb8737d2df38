"""A bounded memory of names, for what a provider learns about its models as it goes."""

from __future__ import annotations

from collections import OrderedDict


class RecentNames:
    """A set of names that keeps only the ``limit`` most recently added.

    What a provider learns per model must not grow without end: a server that
    accepts any model name would otherwise let callers fill it.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._names: OrderedDict[str, None] = OrderedDict()

    def add(self, name: str) -> None:
        """Remember ``name`` (as the newest); the oldest goes when there is no room."""
        self._names[name] = None
        self._names.move_to_end(name)
        while len(self._names) > self.limit:
            self._names.popitem(last=False)

    def discard(self, name: str) -> None:
        """Forget ``name`` if it is remembered."""
        self._names.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __len__(self) -> int:
        return len(self._names)
