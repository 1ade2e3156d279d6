"""`draft init` and `draft new`: start a workspace or a report from commented examples.

Both refuse to overwrite anything: every file they would create is checked first, and if any
exists nothing is written. New files are created with `open(..., "x")`, so they get the mode
the user's umask gives, and a file that appears in the meantime is never replaced.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from drafting.files import digest
from drafting.model import Location
from drafting.problems import DraftError, error, fail

REPORT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
"""A report's folder name: a plain name, so it can never point outside reports/."""

EXAMPLE_SNAPSHOT = """\
Example note (fictional, written for the draft workspace template)

This text stands in for an archived copy of a real source. Replace it with the saved page,
report or interview note you cite, using draft sources archive KEY FILE.

The example organisation documented twelve complaints about conditions in the example
detention centre during 2024.
"""

EXAMPLE_LIBRARY = """\
% The source library. Export it from Zotero (Better BibTeX), or write entries by hand.
% Fields added by draft: file (the archived snapshot), sha256 (its digest), origin (the
% sources this one relies on), confidential and redacted (see the README).

@report{{example-note,
  title = {{[Example note on an example detention centre]}},
  author = {{{{Example Rights Monitor}}}},
  date = {{2025-01-15}},
  url = {{https://example.org/notes/example-detention-centre}},
  note = {{Fictional example: replace it with a real source}},
  file = {{archive/example-note.txt}},
  sha256 = {{{sha256}}},
}}
"""

REPORT_TEMPLATE = """\
# A brief: its title block, its sections, and the claims they place.
# Every field is shown; the commented ones are optional. Build it with:
#   draft build reports/{name}
title: {title}
# subtitle: A line under the title
organisation: Example Rights Monitor
date: {date}
# style: chicago-note            # or oscola; default chicago-note
# style_options: {{ibid: true}}    # "Ibid." for a repeated source (Chicago)
# claims: [claims.yaml]          # claims kept in other files, relative to this one

sections:
  - heading: Summary
    paragraphs:
      # A paragraph is a list of claim ids (consecutive sentences, one footnote each),
      # or text in the organisation's own voice, or a list mixing both.
      - [{claim}]
      - organisation: >-
          Text in the organisation's own voice (analysis, recommendations) needs no source.

claims:
  {claim}:
    text: >-
      {claim_text}
    status: reported             # alleged | reported | corroborated | confirmed
    # confidential: true         # internal edition only
    # ignore: [locator-mismatch] # problem codes accepted for this claim
    sources:
      - key: {key}               # a citation key in sources/*.bib or *.json
        quote: {quote}
        locator: para. 3
        # quoted_in: other-key   # the source that quotes this one
"""


def init_workspace(folder: Path) -> list[Path]:
    """Create a workspace in `folder` with one example source and one example report."""
    snapshot = EXAMPLE_SNAPSHOT.encode("utf-8")
    files = {
        folder / "sources" / "archive" / "example-note.txt": snapshot,
        folder / "sources" / "library.bib": EXAMPLE_LIBRARY.format(sha256=digest(snapshot)).encode(
            "utf-8"
        ),
        folder / "reports" / "example" / "report.yaml": _report("example", "example-note"),
    }
    return _create(files)


def new_report(workspace: Path, name: str, sources: Mapping[str, object]) -> list[Path]:
    """Create reports/NAME/report.yaml, its example claim citing the library's first key."""
    if not REPORT_NAME.fullmatch(name):
        raise fail(
            "bad-report-name",
            f"'{name}' is not a report name: use letters, digits, '-', '_' or '.', "
            "e.g. draft new saratov-2021",
        )
    key = next(iter(sources), "example-note")
    return _create({workspace / "reports" / name / "report.yaml": _report(name, key)})


def _report(name: str, key: str) -> bytes:
    example = key == "example-note"
    text = REPORT_TEMPLATE.format(
        name=name,
        title="An example brief" if example else "Title of the brief",
        date="2025-02-01",
        claim="complaints" if example else "first-claim",
        claim_text=(
            "The organisation documented twelve complaints about conditions in the centre "
            "during 2024."
            if example
            else "Replace this with the claim, in the brief's own words."
        ),
        key=key,
        quote=(
            "documented twelve complaints about conditions"
            if example
            else "words copied exactly from the archived source"
        ),
    )
    return text.encode("utf-8")


def _create(files: Mapping[Path, bytes]) -> list[Path]:
    """Write every file, or none if any already exists."""
    taken = [path for path in files if path.exists() or path.is_symlink()]
    if taken:
        raise DraftError(
            error(
                "file-exists",
                "this file already exists and is never overwritten; "
                "move it away or choose another name",
                Location(path),
            )
            for path in taken
        )
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as out:
            out.write(data)
    return list(files)
