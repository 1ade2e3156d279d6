"""The `draft` library: sourced claims and a BibTeX library in, footnoted briefs out.

Stages, one module each: `claims` and `sources` (load) -> `check` -> `templating` and
`render` (Jinja2) -> `parse` (markdown-it) -> `citations` (resolve) -> `writers`.
`pipeline` runs them in order.
"""

__version__ = "0.1.0"
