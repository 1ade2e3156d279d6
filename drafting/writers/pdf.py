"""PDF through LibreOffice: the .docx as Word would print it, footnotes at the foot of the page.

We do not lay out pages ourselves: LibreOffice's Writer already renders Word footnotes, page
numbers and the reference document's styles faithfully, and it is what reviewers without
Word use. It runs headless with a throwaway profile, so a LibreOffice the user has open (or
a profile locked by a crash) cannot block the build, and nothing outside a temporary folder
is touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from drafting.problems import fail

SOFFICE_NAMES = ("soffice", "libreoffice")
TIMEOUT_SECONDS = 180
"""A cold start of LibreOffice on a slow machine takes tens of seconds; a hang must end."""


def find_soffice() -> str | None:
    override = os.environ.get("DRAFT_SOFFICE")
    if override:
        return override
    return next((path for name in SOFFICE_NAMES if (path := shutil.which(name))), None)


def docx_to_pdf(docx: bytes, name: str) -> bytes:
    """Convert a .docx (as bytes) to PDF bytes; a located, coded error when it cannot."""
    soffice = find_soffice()
    if soffice is None:
        raise fail(
            "no-pdf-converter",
            "--format pdf needs LibreOffice, which is not installed: install it "
            "(Debian/Ubuntu: sudo apt-get install libreoffice-writer; macOS: brew install "
            "--cask libreoffice) or build .docx and print it to PDF from Word",
        )
    with tempfile.TemporaryDirectory(prefix="draft-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / f"{name}.docx"
        source.write_bytes(docx)
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder / "out"),
            str(source),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise _failed(str(exc)) from None
        pdf = folder / "out" / f"{name}.pdf"
        if done.returncode != 0 or not pdf.is_file():
            raise _failed(done.stderr.decode("utf-8", "replace").strip() or "no PDF was written")
        return pdf.read_bytes()


def _failed(detail: str) -> Exception:
    return fail(
        "pdf-failed",
        f"LibreOffice could not convert the brief to PDF ({detail[:300]}); the .docx and .md "
        "are unaffected: build them without --format pdf and try again, or open the .docx",
    )
