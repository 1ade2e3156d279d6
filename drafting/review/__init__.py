"""The reviewer's view of an audit: one self-contained HTML page (`draft check --format html`,
`draft review`) and a Word edition with one comment per claim (`draft build --review`).

Both read only the audit's public results (`Audit`, `ClaimAudit`, `CitationAudit`, `Finding`)
and the resolved document model, so what a reviewer sees is exactly what `draft check` found
and where the Word file puts each footnote.
"""
