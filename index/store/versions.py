"""Index versions on disk: build aside, publish atomically, lock rebuilds, prune old versions.

The folder's layout (every name in it) is described in `index.store.layout`.
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from index.errors import IndexCorruptError, IndexLocationError, IndexNotBuiltError, RebuildLockedError
from index.store.layout import (
    BUILDING_PREFIX,
    CACHE_DIR,
    COMMAND_SYNC,
    CURRENT,
    CURRENT_PARTIAL,
    EMBEDDING_CACHE,
    FEEDBACK_DB,
    PENDING_PREFIX,
    REBUILD_LOCK,
    SERVING_STATUS,
    VERSIONS_DIR,
)

# What a version folder is called (see new_build_dir): no path separators, no leading dot.
_VERSION_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.-]*$")
_STAMPED_NAME = re.compile(r"^\d{8}T\d{6,12}-[0-9a-f]{6}$")  # what `new_build_dir` names a version
_CURRENT_MAX_BYTES = 256  # a version name is ~30; a huge file in its place is not read whole


class IndexLocation:
    """The folder that holds every version of one index."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.versions = root / VERSIONS_DIR
        self.cache = root / CACHE_DIR

    @property
    def embedding_cache(self) -> Path:
        return self.cache / EMBEDDING_CACHE

    @property
    def feedback(self) -> Path:
        """The answer and vote store: beside the versions, so it survives rebuilds."""
        return self.root / FEEDBACK_DB

    @property
    def serving_status(self) -> Path:
        return self.root / SERVING_STATUS

    @property
    def command_sync(self) -> Path:
        return self.root / COMMAND_SYNC

    def current_name(self) -> str | None:
        """The published version's name; None before the first build; `IndexCorruptError` if
        CURRENT holds anything but the name of a version folder (a path, garbage, a folder)."""
        pointer = self.root / CURRENT
        if pointer.is_symlink():  # never read through it: its target could be any file (a .env)
            raise IndexCorruptError(
                f"{pointer} is a link, not the file naming the published version: {self._repair}"
            )
        try:
            with pointer.open("rb") as handle:
                name = handle.read(_CURRENT_MAX_BYTES).decode("utf-8").strip()
        except FileNotFoundError:
            return None
        except IsADirectoryError as error:
            raise IndexCorruptError(
                f"{pointer} is a folder, not the file naming the published version: {self._repair}"
            ) from error
        except (OSError, UnicodeDecodeError) as error:
            raise IndexCorruptError(f"{pointer} cannot be read ({error}): {self._repair}") from error
        if not name:
            raise IndexCorruptError(
                f"{pointer} is empty instead of naming the published version: {self._repair}"
            )
        if not _VERSION_NAME.match(name) or not self._is_version(name):
            # Echoed only when it has the shape of a name a build gives: anything else may be what a
            # careless copy put there (a token), and this sentence reaches logs and /stats.
            shown = (
                repr(name)
                if _STAMPED_NAME.match(name)
                else f"{len(name)} characters that are no version name"
            )
            raise IndexCorruptError(
                f"{pointer} names {shown}, which is not a version folder in {self.versions}: {self._repair}"
            )
        return name

    def current(self) -> Path:
        """The published version's folder, or an error that says how to build one."""
        name = self.current_name()
        if name is None:
            raise IndexNotBuiltError(
                f"no index has been built at {self.root}: run `qa-index rebuild --index {self.root}`"
            )
        return self.versions / name

    @property
    def _repair(self) -> str:
        return f"run `qa-index rebuild --index {self.root}` to publish a new version"

    def _is_version(self, name: str) -> bool:
        """A real folder directly under versions/ (not a link out of it)."""
        folder = self.versions / name
        return folder.is_dir() and folder.resolve().parent == self.versions.resolve()

    def remove_abandoned(self) -> list[str]:
        """Delete the build folders killed rebuilds left behind (call while holding the lock)."""
        removed: list[str] = []
        if self.versions.is_dir():
            for path in self.versions.glob(f"{BUILDING_PREFIX}*"):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
        return removed

    def pending_caches(self) -> list[Path]:
        """Vectors computed by rebuilds that did not publish, newest first."""
        if not self.cache.is_dir():
            return []
        return sorted(self.cache.glob(f"{PENDING_PREFIX}*.sqlite"), key=lambda path: path.name, reverse=True)

    def new_build_dir(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        name = f"{stamp}-{secrets.token_hex(3)}"
        path = self.versions / f"{BUILDING_PREFIX}{name}"
        path.mkdir(parents=True)
        return path

    def publish(self, build_dir: Path) -> Path:
        """Make a finished build the current version with one atomic rename of the pointer."""
        name = build_dir.name.removeprefix(BUILDING_PREFIX)
        final = self.versions / name
        _fsync_tree(build_dir)
        build_dir.rename(final)
        pointer = self.root / CURRENT_PARTIAL
        with pointer.open("w", encoding="utf-8") as handle:
            handle.write(name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        current = self.root / CURRENT
        if current.is_dir() and not current.is_symlink():  # CURRENT was replaced by a folder: keep it aside
            current.rename(self.root / f"{CURRENT}.broken-{secrets.token_hex(3)}")
        os.replace(pointer, current)
        _fsync_dir(self.root)
        return final

    def prune(self, keep: int) -> list[str]:
        """Delete all but the newest `keep` versions (never the current one) and abandoned builds."""
        current = self.current_name()
        removed = self.remove_abandoned()
        if not self.versions.is_dir():
            return removed
        names = sorted((p.name for p in self.versions.iterdir() if p.is_dir()), reverse=True)
        for name in names[keep:]:
            if name != current:
                shutil.rmtree(self.versions / name, ignore_errors=True)
                removed.append(name)
        return removed

    def check_writable(self) -> None:
        """Refuse, with a sentence, an index folder a rebuild could not create or write."""
        existing = next((p for p in (self.root, *self.root.parents) if p.exists()), None)
        if existing is not None and not existing.is_dir():
            raise IndexLocationError(f"{existing} is a file, not a folder: set QA_INDEX_DIR to a folder")
        if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
            raise IndexLocationError(
                f"{existing} cannot be written: give this user write access or set QA_INDEX_DIR elsewhere"
            )

    @contextmanager
    def rebuild_lock(self) -> Iterator[None]:
        """Hold the rebuild lock, or refuse at once if another rebuild has it."""
        self.check_writable()
        self.root.mkdir(parents=True, exist_ok=True)
        handle = (self.root / REBUILD_LOCK).open("a+")
        try:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as error:
                raise RebuildLockedError(
                    f"another rebuild of {self.root} is running: wait for it to finish, then run again"
                ) from error
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield
        finally:
            handle.close()


def index_holding(path: Path) -> Path | None:
    """The index folder `path` is or lies in (one with CURRENT, or a version under versions/), else None."""
    for folder in (path.resolve(), *path.resolve().parents):
        if (folder / CURRENT).exists() or _holds_versions(folder / VERSIONS_DIR):
            return folder
    return None


def _holds_versions(folder: Path) -> bool:
    """Whether a folder holds built versions (a mere folder named "versions" elsewhere does not count)."""
    try:
        return folder.is_dir() and any(
            _STAMPED_NAME.match(entry.name) or entry.name.startswith(BUILDING_PREFIX)
            for entry in os.scandir(folder)
        )
    except OSError:
        return False


def refuse_inside_an_index(path: Path, what: str) -> None:
    """Refuse, in one sentence, to write `what` at a path inside an index folder (read-only commands)."""
    holder = index_holding(path)
    if holder is not None:
        raise IndexLocationError(
            f"{path} is inside the index folder {holder}: {what} never writes into an index; "
            "choose a path outside it"
        )


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_tree(path: Path) -> None:
    for item in path.rglob("*"):
        if item.is_file():
            with item.open("rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(path)
