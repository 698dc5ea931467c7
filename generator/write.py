"""The one writer of the output folder: build beside it, then swap.

A build fills a fresh temporary folder next to the target (same parent, so
the same file system) and only then replaces the target with it. Anything
that goes wrong before the swap removes the temporary folder and leaves the
previous output exactly as it was, so a web server (or GitHub Pages) never
sees half a site.

Nothing else in statuspress writes into an output folder.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# A file every statuspress build writes into the site: its presence tells us an
# existing folder is a previous build that we may replace (and not, say, someone's
# docs). Builds before it existed are recognised by three things only a statuspress
# site has together (LEGACY_BUILD), so upgrading needs no manual step.
BUILD_MARKER = ".statuspress-site"
MARKER_TEXT = b"This folder is a site built by statuspress; each build replaces it as a whole.\n"
LEGACY_BUILD = ("sitemap.xml", "api/v2/summary.json", "feeds/incidents.rss")


class OutputError(Exception):
    """The output folder cannot be used; ``str()`` says why and what to do."""


def check_output_dir(out: Path, repo_root: Path) -> Path:
    """Resolve ``out`` and refuse places a swap would destroy.

    Refused: the repository root, a parent of it, ``content/``, ``theme/``,
    ``.git/`` or anything inside them, and an existing non-empty folder that
    is not a previous build.
    """
    target = Path(os.path.abspath(out))
    root = Path(os.path.abspath(repo_root))
    # Check the path as given and as it really is: a linked folder on the way (or a linked
    # --root) must not steer the build into the sources. The last part stays unresolved,
    # so an --out that is itself a link is refused below rather than followed.
    real_target = target.parent.resolve() / target.name
    real_root = root.resolve()
    for where, base in ((target, root), (real_target, real_root)):
        if where == base:
            raise OutputError(f"--out {out} is the repository root; choose a folder such as {root / 'site'}")
        if where in base.parents:
            raise OutputError(f"--out {out} contains the repository {root}; choose a folder such as {root / 'site'}")
        for protected in ("content", "theme", ".git", "generator"):
            guard = base / protected
            if where == guard or guard in where.parents:
                raise OutputError(
                    f"--out {out} is inside {protected}/, which holds your sources; "
                    f"choose a folder such as {root / 'site'}"
                )
    if target.exists() or target.is_symlink():
        if target.is_symlink() or not target.is_dir():
            raise OutputError(f"--out {out} exists and is not a folder; remove it or choose another path")
        if any(target.iterdir()) and not is_previous_build(target):
            raise OutputError(
                f"--out {out} is not empty and is not a previous statuspress build (no {BUILD_MARKER} file); "
                "choose an empty or new folder; a build would replace everything in it"
            )
    return target


def is_previous_build(folder: Path) -> bool:
    """A folder statuspress built: it has the marker, or (built by a version before the marker) all of LEGACY_BUILD."""
    marker = folder / BUILD_MARKER
    if marker.is_file() and not marker.is_symlink():
        return True
    return all((folder / part).is_file() and not (folder / part).is_symlink() for part in LEGACY_BUILD)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EPERM):
        return False  # file system without exchange support: fall back to two renames
    raise OSError(err, os.strerror(err), str(a))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _publish_permissions(folder: Path) -> None:
    """mkdtemp makes a 0700 folder; a site must be readable like any new folder."""
    os.chmod(folder, 0o777 & ~_umask())


def spare_dir(out: Path) -> Path:
    """Where :func:`write_atomically` keeps the previous build when asked to (beside ``out``, hidden)."""
    target = Path(os.path.abspath(out))
    return target.parent / f".{target.name}.spare"


def write_atomically(out: Path, fill: Callable[[Path], None], repo_root: Path, keep_spare: bool = False) -> Path:
    """Call ``fill(tmp)`` to populate a fresh folder beside ``out``, then swap it in.

    If ``fill`` raises (or the process dies), ``out`` is untouched; the
    exception propagates after the temporary folder is removed.

    With ``keep_spare`` (a process that rebuilds again and again: ``serve``),
    the previous build is kept in :func:`spare_dir` instead of being deleted,
    and the next build is filled there: ``fill`` then gets a folder that may
    hold an older build and must leave exactly the new one in it (the
    renderer rewrites only the files that differ, which on a large site is
    most of a rebuild's disk work). A failed build deletes the spare.
    """
    target = check_output_dir(out, repo_root)
    spare = spare_dir(target) if keep_spare else None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clear_litter(target)
        if spare is not None and spare.is_dir() and not spare.is_symlink():
            tmp = spare
        else:
            tmp = Path(tempfile.mkdtemp(prefix=_building_prefix(target), dir=target.parent))
    except OSError as exc:
        raise OutputError(f"--out {out}: cannot create a folder beside it ({exc.strerror or exc}); "
                          "choose a writable folder") from None
    try:
        fill(tmp)
        (tmp / BUILD_MARKER).write_bytes(MARKER_TEXT)
        _publish_permissions(tmp)
        if target.exists():
            if _exchange(tmp, target):
                # ``tmp`` now holds the previous build.
                _retire(tmp, spare)
                return target
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-{os.getpid()}-", dir=target.parent))
            os.rmdir(old)
            os.rename(target, old)
            try:
                os.rename(tmp, target)
            except OSError:
                os.rename(old, target)  # put the previous build back
                raise
            _retire(old, spare)
        else:
            os.rename(tmp, target)
        return target
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"--out {out}: writing the site failed ({exc}); the previous output is unchanged") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _building_prefix(target: Path) -> str:
    # The builder's process id is in the name, so a later build can tell a folder left by a
    # killed build (its process is gone) from one that another build is filling right now.
    return f".{target.name}.building-{os.getpid()}-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


_LITTER = re.compile(r"^\.(?P<name>.+)\.(?:building|old)-(?:(?P<pid>[0-9]+)-)?[A-Za-z0-9_]{8}$")
LEGACY_LITTER_AGE = 6 * 3600  # folders from versions without a pid in the name: left alone for six hours


def clear_litter(target: Path) -> list[Path]:
    """Remove temporary folders that killed builds of ``target`` left beside it; return them.

    Only our own names (``.<out>.building-<pid>-XXXXXXXX``, ``.<out>.old-...``) are
    touched, only when the process that made them is gone (or, for names without a
    process id, from older versions, when they are hours old), and only real folders.
    """
    removed: list[Path] = []
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _LITTER.match(entry.name)
        if not match or match["name"] != target.name or entry.is_symlink() or not entry.is_dir():
            continue
        if match["pid"] is not None:
            if int(match["pid"]) == os.getpid() or _alive(int(match["pid"])):
                continue
        else:
            try:
                if time.time() - entry.stat().st_mtime < LEGACY_LITTER_AGE:
                    continue
            except OSError:
                continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _retire(previous: Path, spare: Path | None) -> None:
    """The previous build: kept as the spare when one is wanted, else deleted."""
    if spare is not None:
        if previous == spare:
            return
        if not spare.exists():
            try:
                os.rename(previous, spare)
                return
            except OSError:
                pass
    shutil.rmtree(previous, ignore_errors=True)
