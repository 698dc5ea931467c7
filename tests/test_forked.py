"""Work forked to a second core comes back as a value, as the same exception, or as a clear failure."""

from __future__ import annotations

import os

import pytest

from generator.site import forked


def test_the_result_comes_back() -> None:
    data = {"pages": list(range(1000))}
    child = forked.Forked(lambda: {"sum": sum(data["pages"]), "pid": os.getpid()})
    value = child.result()
    assert value["sum"] == 499500 and value["pid"] != os.getpid()


def test_an_exception_in_the_child_is_raised_in_the_parent() -> None:
    def fails() -> None:
        raise ValueError("calendar exploded")

    with pytest.raises(ValueError, match="calendar exploded"):
        forked.Forked(fails).result()


def test_an_exception_that_cannot_be_pickled_still_says_what_it_was() -> None:
    class Local(Exception):  # a local class cannot be pickled
        pass

    def fails() -> None:
        raise Local("odd failure")

    with pytest.raises(RuntimeError, match="Local: odd failure"):
        forked.Forked(fails).result()


def test_a_child_that_dies_is_reported() -> None:
    with pytest.raises(forked.WorkerDied, match="without a result"):
        forked.Forked(lambda: os._exit(3)).result()


def test_no_temporary_files_are_left(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    forked.Forked(lambda: 1).result()
    forked.Forked(lambda: 1 / 0).discard()
    assert list(tmp_path.iterdir()) == []
