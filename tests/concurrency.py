"""Real threads released at once, for the race tests (PostgreSQL: SQLite cannot show a race).

A race test shows that a lock is needed: with the lock removed it must fail every time, not
by luck. Threads released together still run one statement at a time, and the window
between a read and the write that depends on it is often too short to hit. A meeting point
placed in that window (after the read, before the write) holds each thread until the others
have read too: without the lock they all act on what they read, and the race happens. With
the lock the first thread waits there alone until the time out and goes on; the others, held
by the lock, find the meeting over and do not wait.
"""

import threading
from contextlib import contextmanager, suppress

import pytest
from django.db import connection
from django.db.models.signals import pre_save

# Long enough for every racing thread to reach the meeting point on a busy machine; paid
# once per test when the lock keeps them apart.
MEETING_TIMEOUT = 2


def race_test(test):
    """A race test: real transactions (one per thread), on PostgreSQL only."""
    test = pytest.mark.django_db(transaction=True, serialized_rollback=True)(test)
    return pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite cannot show a race"
    )(test)


def run_at_once(operation, arguments, *, allowed=()):
    """Run ``operation(argument)`` for every argument, each in its own thread, all released
    together. Returns the exceptions raised, except those of the ``allowed`` classes."""
    barrier = threading.Barrier(len(arguments))
    errors = []

    def run(argument):
        barrier.wait()
        try:
            operation(argument)
        except allowed:
            pass
        except Exception as error:  # noqa: BLE001 - returned to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def meeting_point(parties, *, timeout=MEETING_TIMEOUT):
    """A function where ``parties`` threads wait for each other, each thread once only.

    Called with any arguments, so that it can stand in a signal receiver or a wrapper.
    """
    barrier = threading.Barrier(parties)
    arrived, guard = set(), threading.Lock()

    def meet(*_args, **_kwargs):
        with guard:
            if threading.get_ident() in arrived:
                return
            arrived.add(threading.get_ident())
        # A broken barrier: the lock kept the others away, go on.
        with suppress(threading.BrokenBarrierError):
            barrier.wait(timeout)

    return meet


def meet_before(monkeypatch, owner, name, parties):
    """Make ``parties`` threads meet before ``owner.name`` runs (the write of a race)."""
    original, meet = getattr(owner, name), meeting_point(parties)

    def met_first(*args, **kwargs):
        meet()
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, met_first)


def meet_after(monkeypatch, owner, name, parties):
    """Make ``parties`` threads meet once ``owner.name`` has run (the read of a race)."""
    original, meet = getattr(owner, name), meeting_point(parties)

    def met_after(*args, **kwargs):
        result = original(*args, **kwargs)
        meet()
        return result

    monkeypatch.setattr(owner, name, met_after)


@contextmanager
def meeting_before_saving(model, parties):
    """Make ``parties`` threads meet before each saves its first ``model`` row."""
    meet = meeting_point(parties)
    pre_save.connect(meet, sender=model, weak=False)
    try:
        yield
    finally:
        pre_save.disconnect(meet, sender=model)
