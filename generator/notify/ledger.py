"""The ledger: which event each channel has been sent, kept between runs.

``{"format": "statuspress-notify-ledger", "version": 1, "channels": {NAME: {EVENT_ID:
{"state": "delivered" | "sending", "at": RFC 3339}}}}``. ``sending`` is written (atomically)
just before a delivery and replaced by ``delivered`` just after it: a run that dies in between
leaves ``sending``, and the next run sends that event again with a warning (at least once;
receivers can tell the copies apart by the event id in the payload, the webhook's
``X-Statuspress-Event`` header and the email's Message-ID, which are the same both times).

Written through a temporary file and a rename, so a reader sees the old ledger or the new
one, never half of one; a lock file next to it keeps two runs from sending the same event.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.timeparse import format_timestamp

FORMAT = "statuspress-notify-ledger"
VERSION = 1
DELIVERED = "delivered"
SENDING = "sending"


class LedgerError(Exception):
    """The ledger cannot be read or written; the message names the file and what to do."""


class Ledger:
    def __init__(self, path: Path, channels: dict[str, dict[str, dict[str, str]]] | None = None) -> None:
        self.path = path
        self.channels: dict[str, dict[str, dict[str, str]]] = channels or {}

    @classmethod
    def load(cls, path: Path) -> Ledger:
        if not path.exists():
            return cls(path)
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise LedgerError(f"{path}: cannot read the ledger ({exc.__class__.__name__}: {exc}); "
                              "restore it from the last run's cache, or move it away to start afresh "
                              "(then only events of the last --max-age are sent)") from exc
        if not (isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("channels"), dict)):
            raise LedgerError(f"{path}: not a statuspress notify ledger; pass another --ledger, or move it away")
        if data.get("version") != VERSION:
            raise LedgerError(f"{path}: ledger version {data.get('version')!r}, this statuspress reads {VERSION}; "
                              "upgrade statuspress")
        channels: dict[str, dict[str, dict[str, str]]] = {}
        for name, events in data["channels"].items():
            if not isinstance(events, dict):
                raise LedgerError(f"{path}: channel {name!r} is not a mapping of event ids")
            channels[name] = {eid: dict(entry) for eid, entry in events.items() if isinstance(entry, dict)}
        return cls(path, channels)

    def state(self, channel: str, event_id: str) -> str | None:
        entry = self.channels.get(channel, {}).get(event_id)
        return entry.get("state") if entry else None

    def delivered(self, channel: str, event_id: str) -> bool:
        return self.state(channel, event_id) == DELIVERED

    def mark(self, channel: str, event_id: str, state: str, now: datetime) -> None:
        self.channels.setdefault(channel, {})[event_id] = {"state": state, "at": format_timestamp(now)}

    def forget(self, channel: str, event_id: str) -> None:
        self.channels.get(channel, {}).pop(event_id, None)

    def to_json(self) -> str:
        ordered = {name: dict(sorted(events.items())) for name, events in sorted(self.channels.items()) if events}
        return json.dumps({"format": FORMAT, "version": VERSION, "channels": ordered}, indent=2,
                          ensure_ascii=False) + "\n"

    def save(self) -> None:
        """Atomically: a temporary file in the same folder, flushed to disk, then renamed."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(self.to_json())
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            _fsync_dir(self.path.parent)
        except OSError as exc:
            raise LedgerError(f"{self.path}: cannot write the ledger ({exc.strerror or exc})") from exc


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename is still atomic
    finally:
        os.close(fd)


@contextmanager
def locked(path: Path, wait_seconds: float = 300.0) -> Iterator[None]:
    """Hold ``<ledger>.lock`` exclusively; another run waits for it (up to ``wait_seconds``)."""
    import fcntl  # POSIX only, as is CI

    from generator.locking import flock_within

    lock_path = path.with_name(path.name + ".lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise LedgerError(f"{lock_path}: cannot open the lock file ({exc.strerror or exc})") from exc
    try:
        if not flock_within(fd, wait_seconds, poll=0.1):
            raise LedgerError(f"{lock_path}: another statuspress notify has held the ledger for "
                              f"{wait_seconds:.0f} s; try again when it has finished")
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
