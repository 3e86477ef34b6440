"""`qa-index eval`: score retrieval on a SQuAD v1.1 file (filled in by the retrieval-quality work)."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def add_eval_command(
    commands: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]
) -> None:
    """Placeholder until the evaluation command lands."""
    return None
