"""Work on a second core: run a function in a forked child while the caller goes on.

A build is CPU-bound Python, so threads do not help and a process pool would
have to pickle the whole model to each worker. ``fork()`` gives the child the
model as it is, for free; only the (smaller) result comes back, pickled
through a temporary file.

``fork()`` copies just the calling thread: a lock that another thread holds at
that moment stays locked forever in the child. So work is forked only while
the process has a single thread (``statuspress build``; not a preview server,
whose rebuilds have little to do anyway), and runs in-process otherwise.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import re
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class WorkerDied(Exception):
    """A forked worker ended without a result (killed, out of memory)."""


def cpus() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def fork_safe() -> bool:
    """Whether a child may be forked now: fork exists and no other thread could hold a lock."""
    return hasattr(os, "fork") and threading.active_count() == 1


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> None:
    """In a child: make sure it ends when ``parent`` does, even on ``kill -9``.

    On Linux the kernel sends the child SIGKILL when its parent dies
    (``prctl(PR_SET_PDEATHSIG)``); a child left behind would otherwise block
    forever, holding memory and the output folder. The check after it covers a
    parent that died before the call took effect. Elsewhere a killed build's
    children finish their share of work, find no one waiting and exit.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)


_RESULT_PREFIX = "statuspress-worker-"
_RESULT_FILE = re.compile(rf"^{_RESULT_PREFIX}(?P<pid>[0-9]+)-[A-Za-z0-9_]+\.pickle$")
_litter_cleared = False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clear_result_litter(folder: str | None = None) -> int:
    """Delete result files that workers of killed builds left in the temp folder; return how many.

    Each file carries the process id of the build that made it; only files whose
    build is gone are touched.
    """
    folder = folder or tempfile.gettempdir()
    removed = 0
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    for name in names:
        match = _RESULT_FILE.match(name)
        if match and int(match["pid"]) != os.getpid() and not _alive(int(match["pid"])):
            try:
                os.unlink(os.path.join(folder, name))
                removed += 1
            except OSError:
                pass
    return removed


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


class Forked(Generic[T]):
    """``fn()`` running in a forked child; :meth:`result` waits for it and returns (or raises) what it did."""

    def __init__(self, fn: Callable[[], T]) -> None:
        global _litter_cleared
        if not _litter_cleared:
            _litter_cleared = True
            clear_result_litter()
        parent = os.getpid()
        fd, path = tempfile.mkstemp(prefix=f"{_RESULT_PREFIX}{parent}-", suffix=".pickle")
        os.close(fd)
        self._path = path
        self._done = False
        pid = os.fork()
        if pid == 0:  # the child: it must never return into the caller's stack
            status = 1
            try:
                die_with_parent(parent)
                try:
                    payload: tuple[bool, object] = (True, fn())
                except BaseException as exc:  # handed to the parent, which raises it
                    payload = (False, _picklable(exc))
                with open(path, "wb") as fh:
                    pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
                status = 0
            finally:
                os._exit(status)
        self._pid = pid

    def result(self) -> T:
        if self._done:
            raise RuntimeError("result() was already taken")
        self._done = True
        try:
            _, status = os.waitpid(self._pid, 0)
            if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
                how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"status {status}"
                raise WorkerDied(f"a worker process stopped without a result ({how})")
            with open(self._path, "rb") as fh:
                ok, value = pickle.load(fh)
        finally:
            try:
                os.unlink(self._path)
            except OSError:
                pass
        if ok:
            return value  # type: ignore[no-any-return]
        raise value  # type: ignore[misc]

    def discard(self) -> None:
        """Wait for the child and drop its result (used when the caller failed first)."""
        if not self._done:
            try:
                self.result()
            except BaseException:
                pass
