"""The unit of work: one transaction, whose new actions go to the queue after it commits and never before."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from integration.db.request_models import Action

EnqueueAction = Callable[[int], None]


def record_new_actions(session: Session) -> list[int]:
    """A list that fills with the ids of the actions this session inserts, as each flush writes them."""
    ids: list[int] = []

    def collect(flushed: Session, _context) -> None:
        # after_flush still lists what the flush inserted under `new`, with the ids the database gave them.
        ids.extend(sorted(row.id for row in flushed.new if isinstance(row, Action)))

    event.listen(session, "after_flush", collect)
    event.listen(session, "after_rollback", lambda _session: ids.clear())   # rolled back: nothing to queue
    return ids


def queue_recorded(new_actions: list[int], enqueue_action: EnqueueAction) -> None:
    """Hand the recorded actions to the queue (their transaction has committed), each once."""
    while new_actions:
        enqueue_action(new_actions.pop(0))


@contextmanager
def unit_of_work(sessions: sessionmaker[Session], enqueue_action: EnqueueAction) -> Iterator[Session]:
    """A session in one transaction; every action inserted in it is queued once the commit has succeeded."""
    with sessions() as session:
        new_actions = record_new_actions(session)
        with session.begin():
            yield session
    queue_recorded(new_actions, enqueue_action)
