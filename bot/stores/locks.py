"""A Redis lock store whose every change of a lock is atomic.

Rasa 3.6's ``RedisLockStore`` changes a conversation's ticket lock by reading its JSON, changing
it in the process and writing it back. Two Rasa replicas receiving a turn of one conversation at
the same instant both read the lock without tickets, both issue ticket 0 and both write: each
believes it is being served, both turns run at once, and one turn's events are lost from the
tracker store. Releasing had the same race: a replica finishing its turn could see nobody waiting
and delete the lock just after another replica issued its ticket, so that turn failed with
"Could not acquire lock".

Here each read-change-write runs under Redis ``WATCH``/``MULTI``: if another process changed the
lock between the read and the write, the write is refused and the change re-applied to the new
value. The ticket algorithm, the key layout and the JSON form are Rasa's own, so replicas of
this store and of Rasa's can share a Redis (though only this one is safe).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")

# A change of a lock: given the stored lock (None if there is none), the lock to store (None to
# delete it) and the value the change returns.
Change = Callable[[TicketLock | None], tuple[TicketLock | None, T]]


class AtomicRedisLockStore(RedisLockStore):
    """``lock_store: {type: stores.locks.AtomicRedisLockStore, url: host, port: …, db: …}``;
    every option of Rasa's ``redis`` lock store is accepted."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: str, change: Change[T]) -> T:
        key = self.key_prefix + conversation_id

        def attempt(pipe: Any) -> T:
            stored = pipe.get(key)  # WATCHed: executed at once, before MULTI
            lock = TicketLock.from_dict(json.loads(stored)) if stored else None
            new, value = change(lock)
            pipe.multi()
            if new is None:
                pipe.delete(key)
            else:
                pipe.set(key, new.dumps())
            return value

        result: T = self.red.transaction(attempt, key, value_from_callable=True)
        return result

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:  # Rasa's contract: any failure to issue is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish serving the ticket and, in the same transaction, delete the lock if nobody else
        holds a ticket (Rasa checks and deletes in two steps, racing a new ticket)."""

        def release(lock: TicketLock | None) -> tuple[TicketLock | None, bool]:
            if lock is None:
                return None, False
            lock.remove_ticket_for(ticket_number)
            return (lock, False) if lock.is_someone_waiting() else (None, True)

        deleted = self._change(conversation_id, release)
        self._log_deletion(conversation_id, deleted)
