"""Harvest queue consumers that survive a Redis restart.

ckanext-harvest's ``gather-consumer`` and ``fetch-consumer`` block in ``BLPOP``; when Redis
restarts, redis-py raises ``ConnectionError`` and the consumer process exits (under honcho
that stops the whole portal). ``consume_forever`` runs ckanext-harvest's own consumer loop
(``ckanext.harvest.utils.gather_consumer`` / ``fetch_consumer``) and, on a lost connection,
waits for Redis with a capped exponential back-off and starts the loop again on a fresh
connection. A message taken but not acknowledged when the connection dropped is resubmitted by
``ckan harvester run`` (ckanext-harvest's persistence keys), so nothing is lost.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

import redis
from ckanext.harvest import queue, utils

__all__ = ["CONSUMERS", "consume_forever"]

log = logging.getLogger(__name__)

#: consumer name -> ckanext-harvest's loop for it
CONSUMERS: dict[str, Callable[[], None]] = {
    "gather": utils.gather_consumer,
    "fetch": utils.fetch_consumer,
}


def _redis_answers() -> bool:
    try:
        return bool(queue.get_connection_redis().ping())
    except redis.exceptions.RedisError:
        return False


def consume_forever(name: str, first_delay: float = 0.5, max_delay: float = 30.0,
                    sleep: Callable[[float], None] = time.sleep) -> None:
    """Run the ``name`` consumer; reconnect whenever Redis goes away (never returns)."""
    loop = CONSUMERS[name]
    while True:
        try:
            loop()
        except redis.exceptions.ConnectionError as exc:
            log.warning("harvest %s consumer: Redis connection lost (%s); reconnecting", name, exc)
        delay = first_delay
        while not _redis_answers():
            sleep(delay)
            delay = min(delay * 2, max_delay)
        log.warning("harvest %s consumer: Redis answers again; consuming", name)
