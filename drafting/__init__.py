"""The `draft` library: sourced claims and a source library in, footnoted briefs out.

The stages, one folder each, in the order `pipeline` runs them:

1. `load/`     find the workspace; read report.yaml and claim files, BibTeX and CSL-JSON
2. `audit/`    check references, quotes against archived snapshots, origins and wording
3. `render/`   Jinja2 layout (sandboxed) -> Markdown -> the document model; citations resolved
               into numbered footnotes by a style template
4. `writers/`  the document model -> .docx and .md bytes (writers see only `model`)
5. `output/`   bytes -> files: leak scan, one transaction, the guard against overwriting edits

Between audit and render, `editions` makes the public or internal edition of the inputs.
Beside the stages: `library/` keeps the workspace and its library (`draft init`, `new`,
`sources ...`), `verify/` reads an edited .docx back, `review/` shows the audit to
reviewers; `model`, `problems`, `codes`, `text`, `dates` and `files` are used by every
stage; `pipeline` runs the stages and is the only module the command line (`draft.py`)
calls for building and checking.
See docs/architecture.md.
"""

__version__ = "0.1.0"
