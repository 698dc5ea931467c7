"""Waiting for an exclusive ``flock`` with a deadline: authoring and the notify ledger share it."""

from __future__ import annotations

import fcntl
import time


def flock_within(fd: int, seconds: float, poll: float) -> bool:
    """Take an exclusive lock on ``fd``, retrying every ``poll`` seconds; False once ``seconds`` have passed.

    Other ``OSError`` (a file system without locks) is raised for the caller to decide.
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(poll)
