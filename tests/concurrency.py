"""POSTs sent at the same moment from several threads (two people, or a double click that the
browser did not hold back), each on its own database connection."""

import threading
from collections.abc import Callable

from django.db import connection
from django.test import Client


def post_at_once(clients: list[Client], url: str, data: Callable[[], dict]) -> list[int]:
    """POST ``data()`` to ``url`` from every client at once; the answers' status codes (an
    exception in a request is re-raised after all threads have ended)."""
    barrier = threading.Barrier(len(clients), timeout=20)
    answers: list[int] = []
    errors: list[BaseException] = []

    def post(client: Client) -> None:
        try:
            barrier.wait()
            answers.append(client.post(url, data()).status_code)
        except BaseException as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return answers
