"""Writing a file so that nobody ever sees it half-written: through a temporary name beside it, replaced in
one step (os.replace), the temporary removed whatever happens. Every writer of a user-visible file uses it;
turning an OSError into the caller's own OutputError (which file, what to do) stays with the caller."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary path beside `target` to write; it replaces `target` when the block ends without an
    exception, and is removed otherwise."""
    temp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        yield temp
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def write(target: Path, content: bytes | str) -> Path:
    """Write `content` (text as UTF-8) to `target` atomically; returns `target`."""
    with replacing(target) as temp:
        if isinstance(content, str):
            temp.write_text(content, encoding="utf-8")
        else:
            temp.write_bytes(content)
    return target
