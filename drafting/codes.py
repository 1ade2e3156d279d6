"""Every problem code `draft` emits: its severity and what it means, in one list.

The README's problem-code tables are generated from this list (`make problem-codes`, i.e.
`python scripts/problem_codes.py`), `--ignore` accepts only these codes, and a test checks
that every code the package passes to `error`, `warning`, `fail` or `Problem` is here. Keep
this module free of imports: `draft --ignore` validates against it before any stage loads.
A code is a stable identifier: users `--ignore` it and CI dashboards group by it, so a code
is never renamed, only added.
"""

from __future__ import annotations

from typing import Final, NamedTuple


class Code(NamedTuple):
    severity: str
    """"error", "warning", or "error or warning" when the context decides."""
    table: str
    """Which README table lists it: "inputs" (reading and writing files) or "audit"."""
    meaning: str


_ROWS: Final = (
    # The audit: claims against their sources.
    ("unsourced-claim", "error", "audit", "a claim without a source"),
    ("unknown-source", "error", "audit", "a key not in `sources/*.bib` or `*.json` (with the closest key)"),
    ("undefined-claim", "error", "audit", "a paragraph uses a claim id that is not defined"),
    ("unused-claim", "warning", "audit", "a claim defined but never placed in a paragraph"),
    ("unused-source", "warning", "audit", "a source of the library no claim cites"),
    ("quote-not-found", "error", "audit", "the quote is not in the snapshot; the closest passage and its score are shown"),
    ("quote-fuzzy", "warning", "audit", "the quote is close to a passage but not the same; the passage is shown"),
    ("quote-in-page-chrome", "error", "audit", "the quote is only in what a reader does not see as the source's text (navigation, banner, footer, hidden element, script); says where"),
    ("quote-in-other-source", "error", "audit", "the quote is not in the cited source but in another source of the library, which is named"),
    ("elision-changes-meaning", "error", "audit", "words left out by `[…]` (or replaced by `[word]`) hold a negation or contrast; they are shown"),
    ("elision-crosses-paragraph", "warning", "audit", "an elided quote joins two neighbouring paragraphs, both named"),
    ("elision-spans-paragraphs", "error", "audit", "an elided quote joins words from three or more paragraphs"),
    ("no-quote", "warning", "audit", "a citation without `quote:`"),
    ("no-archive", "warning", "audit", "the source has no snapshot (`file`), so its quotes cannot be checked"),
    ("unreadable-snapshot", "warning", "audit", "the snapshot's text cannot be read (e.g. a PDF without the `pdf` extra)"),
    ("missing-snapshot", "error", "audit", "`file` names a snapshot that does not exist"),
    ("archive-changed", "error", "audit", "the snapshot's SHA-256 differs from the recorded `sha256`"),
    ("missing-digest", "warning", "audit", "the snapshot has no `sha256`"),
    ("locator-mismatch", "warning", "audit", "`para. N`, `§ N` or `p. N` disagrees with where the quote is (in the document's own numbering, which the message names)"),
    ("single-origin", "error", "audit", "`corroborated`/`confirmed` with fewer than 2 independent origins"),
    ("origin-cycle", "warning", "audit", "`origin` links go round in a circle"),
    ("unknown-origin", "warning", "audit", "`origin` names a key that is not in the library"),
    ("unhedged-allegation", "warning", "audit", "an `alleged` claim stated as plain fact"),
    ("missing-metadata", "warning", "audit", "a cited source lacks title, date, URL or author/organisation"),
    ("bad-style-option", "error", "audit", "`style_options: {translation: ...}` is neither `note` nor `none`"),
    # Reading the inputs.
    ("yaml-syntax", "error", "inputs", "a YAML file cannot be read: tabs, indentation, an unquoted `: ` in text, a control character"),
    ("not-utf8", "error", "inputs", "a file is not UTF-8 text (the message names the byte)"),
    ("empty-file", "error", "inputs", "a YAML file is empty"),
    ("duplicate-key", "error", "inputs", "a YAML field, or a BibTeX citation key, appears twice"),
    ("no-report", "error", "inputs", "the report folder or its report.yaml does not exist"),
    ("no-workspace", "error", "inputs", "no `sources/` folder in the given folder or above it"),
    ("no-sections", "error", "inputs", "report.yaml has no `sections:`"),
    ("unknown-field", "error", "inputs", "a field name not in the schema (with the closest known name)"),
    ("missing-field", "error", "inputs", "a required field is missing"),
    ("wrong-type", "error", "inputs", "a field holds the wrong kind of value (text where a list is expected, ...)"),
    ("bad-paragraph", "error", "inputs", "a paragraph is not a list of claim ids, organisation text, or both"),
    ("bad-claim-id", "error", "inputs", "a claim id that is not a plain name"),
    ("bad-status", "error", "inputs", "`status:` is not alleged, reported, corroborated or confirmed"),
    ("bad-date", "error", "inputs", "a date that is not a date"),
    ("duplicate-claim", "error", "inputs", "a claim id defined twice"),
    ("missing-file", "error", "inputs", "a claim file named in `claims:`, or the file given to a command, does not exist"),
    ("not-a-file", "error", "inputs", "an input (report.yaml, a claim file, `sources/*.bib` or `*.json`) is a folder, a named pipe (FIFO), a device or a socket; it is never opened"),
    ("unreadable-file", "error", "inputs", "an input cannot be read: no read permission, a dangling symbolic link or a link loop, a name too long or holding a NUL"),
    ("bibtex-syntax", "error", "inputs", "a BibTeX entry cannot be read"),
    ("bad-key", "error", "inputs", "a BibTeX citation key that is empty or holds characters a key cannot hold"),
    ("duplicate-field", "error", "inputs", "a BibTeX field appears twice in one entry"),
    ("bad-name", "error", "inputs", "an author or editor name that cannot be read"),
    ("csl-json-syntax", "error", "inputs", "a CSL-JSON library is not valid JSON, or not a list of items"),
    ("csl-json-item", "error", "inputs", "a CSL-JSON item is not an object or has no `id`"),
    ("path-outside-workspace", "error", "inputs", "a `file` field, claim file, report folder, report.yaml, template, templates/, reference document or build/ leads outside the workspace (`..`, an absolute path, a symbolic link)"),
    ("snapshot-is-input", "error", "inputs", "a `file` field names one of the workspace's own inputs (a report, claim file, library or template)"),
    ("output-in-inputs", "error", "inputs", "`--out` is inside sources/, reports/ or templates/"),
    ("yaml-limit", "error", "inputs", "a YAML file nests too deeply, expands too far through aliases (or an alias refers to itself), or holds a value that is too long"),
    ("bad-latex", "error", "inputs", "a BibTeX field's LaTeX cannot be read (braces nested too deeply, a malformed macro)"),
    ("not-ignorable", "error", "inputs", "`--ignore` or `ignore:` names `unknown-source`, `undefined-claim` or `unsourced-claim`, which would leave a claim without a source"),
    ("unsafe-name", "error", "inputs", "a citation key cannot be a file name (`/`, `..`, a leading `.`, control characters, too long)"),
    ("forbidden-character", "warning", "inputs", "a character a Word file cannot hold was replaced by U+FFFD"),
    ("missing-redacted", "error", "inputs", "a `confidential` source has no `redacted` text for the public edition"),
    ("redacted-names-source", "error", "inputs", "a confidential source's `redacted` text repeats its author's name or its key"),
    # Templates and the reference document.
    ("template-syntax", "error", "inputs", "a template cannot be read; reported at the template's own line"),
    ("template-undefined", "error", "inputs", "a template uses a variable that does not exist"),
    ("template-error", "error", "inputs", "a template fails while it runs"),
    ("template-not-found", "error", "inputs", "a template includes or imports a template that is not in `templates/`"),
    ("template-runaway", "error", "inputs", "a template runs away (too much output, too long, recursion without end)"),
    ("template-too-large", "error", "inputs", "a template over 1,000,000 characters"),
    ("template-unsupported", "error", "inputs", "a template writes Markdown the writers do not support"),
    ("template-dropped-claim", "error", "inputs", "a template leaves out a claim the report places"),
    ("no-reference-doc", "error", "inputs", "`--reference-doc` does not exist"),
    ("bad-reference-doc", "error", "inputs", "`--reference-doc` is not a usable .docx (the message names the broken part)"),
    # Writing the outputs.
    ("confidential-leak", "error", "inputs", "the public edition would print something confidential (the message names which field of which source or claim, never the text); nothing was written"),
    ("output-edited", "error", "inputs", "an output was changed since the last build; move it or use `--force`"),
    ("cannot-write", "error", "inputs", "the output folder (or, for `sources archive`, sources/ or the library) cannot be written; nothing was replaced"),
    ("no-pdf-converter", "error", "inputs", "`--format pdf` needs LibreOffice (`soffice`), which is not installed; the message says how to install it"),
    ("pdf-failed", "error", "inputs", "LibreOffice could not convert the brief to PDF"),
    # The source library and scaffolding commands.
    ("archive-exists", "error", "inputs", "`draft sources archive` would replace a snapshot or recorded digest without `--replace`"),
    ("archive-csl-json", "error", "inputs", "`draft sources archive`: the key is in a CSL-JSON library, which it does not edit"),
    ("file-exists", "error", "inputs", "`draft init`, `draft new`: a file it would create exists; nothing is overwritten"),
    ("bad-report-name", "error", "inputs", "`draft new`: the name is not a plain folder name"),
    ("key-exists", "error", "inputs", "`draft sources add`: the citation key is already in the library"),
    ("no-metadata", "error", "inputs", "`draft sources add`: the saved page states no title; nothing is guessed"),
    ("unknown-page-type", "error", "inputs", "`draft sources add`: the file is not a saved HTML page, PDF, WARC or WACZ"),
    # draft verify.
    ("no-docx", "error", "inputs", "`draft verify`: the file does not exist"),
    ("not-docx", "error", "inputs", "`draft verify`: the file is not a .docx (an old .doc, a password-protected file, a damaged zip)"),
    ("docx-too-large", "error", "inputs", "`draft verify` refused a file with too many or too large parts (a zip bomb)"),
    ("docx-doctype", "error", "inputs", "`draft verify` refused a part declaring a DOCTYPE (entity tricks)"),
    ("docx-macros", "error", "inputs", "`draft verify` refused a file with macros (.docm, vbaProject)"),
    ("docx-xml", "error", "inputs", "`draft verify` refused XML that is not well-formed"),
    ("no-manifest", "error", "inputs", "`draft verify`: the .docx has no draft manifest (it was not built by draft)"),
    ("bad-manifest", "error", "inputs", "`draft verify`: the .docx's draft manifest cannot be read"),
    ("report-mismatch", "error", "inputs", "`draft verify`: the .docx was built from another report than the folder given"),
)  # fmt: skip

CODES: Final[dict[str, Code]] = {name: Code(*rest) for name, *rest in _ROWS}
"""code -> severity, README table and meaning, in the order the README lists them."""

TABLES: Final = ("audit", "inputs")


def table(name: str) -> str:
    """The README table of one group, as Markdown."""
    rows = [f"| `{code}` | {c.severity} | {c.meaning} |" for code, c in CODES.items()
            if c.table == name]  # fmt: skip
    return "\n".join(["| code | severity | meaning |", "|---|---|---|", *rows]) + "\n"
