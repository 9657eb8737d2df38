"""State the bot's answers share: in memory for one process, in Redis for several workers.

The services and the streaming layer see only the interfaces of
:mod:`bot.coordination.base`; the composition root picks the implementation
(:func:`bot.coordination.memory.in_memory` by default,
:func:`bot.coordination.redis_coordination.redis_coordination` when
``REDIS_URL`` is set). The Redis one raises only
:class:`~bot.coordination.base.CoordinationError` when Redis does not answer.
"""
