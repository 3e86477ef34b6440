"""One exception root for the index package; every message names the next step."""


class IndexError_(Exception):
    """Base class: something the maintainer can fix, described in one sentence."""


class ArticlesError(IndexError_):
    """The articles folder cannot be read at all (missing, empty, nothing usable)."""


class IndexNotBuiltError(IndexError_):
    """No published index exists at the given directory."""


class IndexMismatchError(IndexError_):
    """The index was built with a different model or settings than the ones asked for."""


class IndexCorruptError(IndexError_):
    """An index file is missing, truncated or fails its checksum."""


class ModelLoadError(IndexError_):
    """The embedding model could not be loaded."""


class RebuildLockedError(IndexError_):
    """Another rebuild holds the lock on this index directory."""
