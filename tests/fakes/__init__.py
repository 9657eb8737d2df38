"""Fakes of the outside world, over real HTTP: the Bot API (``telegram``) and providers."""
