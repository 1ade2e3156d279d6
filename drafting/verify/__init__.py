"""`draft verify`: which claims of an edited Word brief still say what the build said.

1. `package`  open a .docx that came back from outside, safely (zip and XML limits)
2. `extract`  read claims (by bookmark), footnotes, loose sentences, comments and tracked
              changes out of WordprocessingML; the build uses the same reader for its manifest
3. `manifest` the record a build leaves in the .docx (customXml part): claim id, bookmark,
              text and footnote with their SHA-256, organisation-text digests
4. `compare`  edited document against the manifest, and optionally against the current YAML
5. `formats`  text, JSON, Markdown and GitHub annotation output
"""
