"""Output formats. Each writer turns a `Document` into bytes and knows nothing else."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from drafting.model import Document
from drafting.writers import docx, markdown

Writer = Callable[[Document, Path], bytes]
"""(document, reference document) -> file contents."""

WRITERS: dict[str, Writer] = {
    "md": lambda doc, _reference: markdown.write(doc).encode("utf-8"),
    "docx": docx.write,
}
"""The only place output formats are listed; the key is also the file extension."""
