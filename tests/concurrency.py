"""Real threads released at once, for the race tests (PostgreSQL: SQLite cannot show a race)."""

import threading

import pytest
from django.db import connection


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
