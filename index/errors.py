"""One exception root for the index package; every message names the next step."""


class ArticleIndexError(Exception):
    """Base class: something the maintainer can fix, described in one sentence."""


class ArticlesError(ArticleIndexError):
    """The articles folder cannot be read at all (missing, empty, nothing usable)."""


class IndexNotBuiltError(ArticleIndexError):
    """No published index exists at the given directory."""


class IndexMismatchError(ArticleIndexError):
    """The index was built with a different model or settings than the ones asked for."""


class IndexCorruptError(ArticleIndexError):
    """An index file is missing, truncated or fails its checksum."""


class ModelLoadError(ArticleIndexError):
    """The embedding model could not be loaded."""


class IndexLocationError(ArticleIndexError):
    """The index folder cannot be created or written (a file in its place, no permission)."""


class RebuildLockedError(ArticleIndexError):
    """Another rebuild holds the lock on this index directory."""


class DiskFullError(ArticleIndexError):
    """A rebuild ran out of disk space; nothing was published and the cache was left as it was."""


class FeedsConfigError(ArticleIndexError):
    """The feeds file is missing or invalid: the message names the file, the entry and the fix."""


class FollowLockedError(ArticleIndexError):
    """Another `follow` is writing into the same articles folder."""


class FeedError(ArticleIndexError):
    """One feed (or one page) could not be fetched or read; its `reason` says why, briefly."""

    def __init__(self, reason: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status  # the HTTP status, when the server answered with an error
        self.retry_after = retry_after  # seconds the server asked us to wait (Retry-After)
