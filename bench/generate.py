"""Write a synthetic workspace for the benchmark, deterministic from a seed.

    python bench/generate.py OUT [--claims 2000] [--sources 400] [--seed 13] [--html 0.2]

OUT receives a `draft` workspace and the same brief in two forms for pandoc:

    OUT/sources/library.bib           one entry per source (file, sha256, metadata)
    OUT/sources/archive/KEY.txt|html  ~20 KB snapshots: prose, or an HTML page with chrome
    OUT/reports/bench/report.yaml     sections of 20 claims; claims in claims-NN.yaml files
    OUT/pandoc/citeproc.md            `[@key, para. N]` citations (pandoc --citeproc)
    OUT/pandoc/footnotes.md           the same brief with hand-written `[^n]` footnotes
    OUT/expected.json                 what was generated (claims, citations, outcomes)

Every checked quote is copied from the snapshot's own text: most verbatim (some across a line
break, so typography normalisation is needed), some with `[…]` elisions inside one paragraph,
5 % with one mistyped word (two letters swapped: the fuzzy path) and 1 % absent (accepted per
claim with `ignore: [quote-not-found]`, so the brief still builds). The prose is made from a
word list and invented place names; it names no real person. Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

CLAIMS_PER_SECTION = 20
CLAIMS_PER_FILE = 500
SNAPSHOT_BYTES = 20_000
TYPO_SHARE = 0.05
ABSENT_SHARE = 0.01
ELISION_SHARE = 0.1


def words(text: str) -> list[str]:
    return text.split()


NOUNS = words("""
detainee inspector guard official witness lawyer prosecutor doctor nurse journalist monitor
committee ministry court tribunal prison facility camp ward cell corridor convoy checkpoint
village district province border river bridge market school hospital clinic station office
report statement testimony complaint petition warrant order decree regulation inquiry review
investigation hearing appeal verdict sentence transfer release detention interrogation
beating injury wound scar bruise fracture burn threat warning reprisal punishment fine
document record file photograph video recording letter message register logbook ledger
family relative neighbour colleague resident farmer teacher student driver worker trader
commander officer soldier policeman deputy governor mayor council agency bureau department
""")
ADJECTIVES = words("""
former local regional provincial national independent official unofficial anonymous senior
junior medical legal written verbal detailed partial consistent credible lengthy brief
repeated systematic isolated routine unlawful arbitrary secret public internal external
eastern western northern southern rural urban overcrowded damp narrow temporary permanent
serious minor visible hidden fresh earlier later separate similar several numerous
""")
VERBS = words("""
reported described recorded confirmed denied documented alleged stated noted observed
submitted received reviewed examined questioned visited inspected photographed filmed
transferred released detained interviewed contacted informed warned accused dismissed
suspended opened closed rejected accepted delayed postponed published withdrew requested
""")
ADVERBS = words("""
repeatedly publicly privately formally informally briefly later earlier separately again
""")
NEGATIONS = set(words("not no never none nothing nobody deny denies denied without but however"))
PREPOSITIONS = words("in at near outside inside behind beside during after before")
MONTHS = words("""January February March April May June July August September October November
December""")
ORGANISATIONS = ["Monitoring Group", "Legal Aid Network", "Detention Watch", "Press Council"]
SYLLABLES = words("ka ro mi ve lan dor sel tra bin ost gar ny pel vis ham dro lek zar mon tis")


def place(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def sentence(rng: random.Random) -> str:
    """One sentence of plausible report prose (typographic apostrophes and dashes included)."""
    a, n, v = ADJECTIVES, NOUNS, VERBS
    forms = [
        f"The {rng.choice(a)} {rng.choice(n)} {rng.choice(v)} the {rng.choice(n)} "
        f"{rng.choice(PREPOSITIONS)} the {rng.choice(a)} {rng.choice(n)} of {place(rng)}",
        f"A {rng.choice(a)} {rng.choice(n)} {rng.choice(ADVERBS)} {rng.choice(v)} that "
        f"{rng.randint(2, 90)} {rng.choice(n)}s had been {rng.choice(v)} "
        f"{rng.choice(PREPOSITIONS)} {place(rng)}",
        f"According to the {rng.choice(n)}’s {rng.choice(n)}, the {rng.choice(a)} "
        f"{rng.choice(n)} was {rng.choice(v)} on {rng.randint(1, 28)} {rng.choice(MONTHS)}",
        f"The {rng.choice(n)} — a {rng.choice(a)} {rng.choice(n)} from {place(rng)} — "
        f"{rng.choice(v)} the {rng.choice(a)} {rng.choice(n)} and the {rng.choice(n)}",
        f"In {place(rng)}, {rng.choice(a)} {rng.choice(n)}s {rng.choice(v)} a "
        f"{rng.choice(a)} {rng.choice(n)} {rng.choice(PREPOSITIONS)} the {rng.choice(n)}",
    ]
    text = re.sub(r"\b([Aa]) (?=[aeiou])", r"\1n ", rng.choice(forms))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


@dataclass
class Source:
    key: str
    kind: str
    title: str
    author: str
    """BibTeX name list: "Family, Given" or "{Organisation}"."""
    outlet: str
    date: str
    url: str
    html: bool
    paragraphs: list[str]
    """The body paragraphs, as the snapshot's extracted text has them."""
    first_paragraph: int
    """The snapshot paragraph number of `paragraphs[0]` (titles and page chrome come first)."""
    file: str = ""
    sha256: str = ""


@dataclass
class Citation:
    key: str
    quote: str
    locator: str
    outcome: str
    """What the audit should find: "match" (exact or normalised), "fuzzy" or "absent"."""


@dataclass
class Claim:
    id: str
    text: str
    citations: list[Citation] = field(default_factory=list)


def make_source(rng: random.Random, index: int, html_share: float) -> Source:
    family = place(rng)
    organisation = rng.random() < 0.3
    author = (
        "{" + f"{place(rng)} {rng.choice(ORGANISATIONS)}" + "}"
        if organisation
        else f"{family}, {place(rng)}"
    )
    title = paragraph(rng, 1).rstrip(".")
    year, month, day = rng.randint(2015, 2024), rng.randint(1, 12), rng.randint(1, 28)
    paragraphs: list[str] = []
    size = 0
    while size < SNAPSHOT_BYTES - 1_000:
        paragraphs.append(paragraph(rng, rng.randint(4, 9)))
        size += len(paragraphs[-1].encode()) + 2
    return Source(
        key=f"src-{index:04d}",
        kind=rng.choice(["online", "online", "article", "report"]),
        title=title,
        author=author,
        outlet=f"The {place(rng)} {rng.choice(['Herald', 'Review', 'Observer', 'Gazette'])}",
        date=f"{year}-{month:02d}-{day:02d}",
        url=f"https://news.example.org/{year}/{index:04d}-{family.lower()}",
        html=rng.random() < html_share,
        paragraphs=paragraphs,
        first_paragraph=0,
    )


NAV = ["Home", "World", "Politics", "Investigations", "Opinion", "Subscribe"]
FOOTER = ["About us", "Contact", "Privacy policy", "Terms of use"]


def snapshot_html(source: Source) -> str:
    """A news page: chrome (logo, navigation, footer, script, style) around the article.

    Locators number the article's paragraphs from 1, as a reader counts them and as draft does
    once it reads the main content of a page (a reader of every block, chrome included, reports
    these locators as `locator-mismatch` warnings, which do not stop a build).
    """
    nav = "".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in NAV)
    body = "\n".join(f"    <p>{p}</p>" for p in source.paragraphs)
    footer = "".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in FOOTER)
    # The article's own paragraphs are numbered from 1: the page's chrome, headline and byline
    # are not part of what a reader cites (draft reads the article the way a reader sees it).
    source.first_paragraph = 1
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{source.title}</title>
<style>body {{ font-family: serif; }} nav li {{ display: inline; }}</style>
<script>window.analytics = window.analytics || []; analytics.push(["page"]);</script>
</head>
<body>
<header><div class="logo">{source.outlet}</div><nav><ul>{nav}</ul></nav></header>
<main><article>
    <h1>{source.title}</h1>
    <p class="byline">{source.date}</p>
{body}
</article></main>
<footer><ul>{footer}</ul><p>Copyright {source.outlet}</p></footer>
<script>document.querySelectorAll("a").forEach(function (a) {{ a.rel = "noopener"; }});</script>
</body>
</html>
"""


def snapshot_text(source: Source) -> str:
    """A plain-text copy: the title, then paragraphs wrapped at 78 columns."""
    source.first_paragraph = 2
    wrapped = [textwrap.fill(p, 78) for p in source.paragraphs]
    return "\n\n".join([source.title, *wrapped]) + "\n"


def write_sources(out: Path, sources: list[Source]) -> None:
    archive = out / "sources" / "archive"
    archive.mkdir(parents=True, exist_ok=True)
    entries = []
    for s in sources:
        name = f"{s.key}.html" if s.html else f"{s.key}.txt"
        data = (snapshot_html(s) if s.html else snapshot_text(s)).encode()
        (archive / name).write_bytes(data)
        s.file, s.sha256 = f"archive/{name}", hashlib.sha256(data).hexdigest()
        entries.append(bib_entry(s))
    (out / "sources" / "library.bib").write_text("\n".join(entries), encoding="utf-8")


def bib_entry(s: Source) -> str:
    outlet = {"online": "organization", "article": "journaltitle", "report": "institution"}
    fields = [
        ("author", s.author),
        ("title", s.title),
        (outlet[s.kind], s.outlet),
        ("date", s.date),
        ("url", s.url),
        ("file", s.file),
        ("sha256", s.sha256),
    ]
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
    return f"@{s.kind}{{{s.key},\n{body}}}\n"


def words_span(rng: random.Random, words: list[str], low: int, high: int) -> tuple[int, int]:
    length = min(len(words), rng.randint(low, high))
    start = rng.randint(0, len(words) - length)
    return start, start + length


def typo(rng: random.Random, words: list[str]) -> list[str] | None:
    """Swap two inner letters of one longer word: a mistyped word, not a different one."""
    # An inner word between two plain words: a typo at either end of a quote, or next to a
    # dash, blurs where the words divide.
    candidates = [
        i
        for i, w in enumerate(words[1:-1], 1)
        if len(w) >= 7 and w.isalpha() and words[i - 1].isalpha() and words[i + 1].isalpha()
    ]
    if not candidates:
        return None
    i = rng.choice(candidates)
    w = words[i]
    for j in range(2, len(w) - 2):
        if w[j] != w[j + 1]:
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
            break
    return words


def make_citation(rng: random.Random, source: Source) -> Citation:
    number = rng.randrange(len(source.paragraphs))
    words = source.paragraphs[number].split(" ")
    locator = f"para. {source.first_paragraph + number}"
    roll = rng.random()
    if roll < ABSENT_SHARE:
        quote = paragraph(random.Random(rng.random()), 1).lower().rstrip(".")
        return Citation(source.key, quote, locator, "absent")
    if roll < ABSENT_SHARE + TYPO_SHARE:
        start, end = words_span(rng, words, 10, 16)
        mistyped = typo(rng, words[start:end])
        if mistyped is not None:  # else a plain quote: no word in it fits the rule
            return Citation(source.key, " ".join(mistyped), locator, "fuzzy")
    if roll < ABSENT_SHARE + TYPO_SHARE + ELISION_SHARE and len(words) >= 20:
        cut = rng.randint(8, len(words) - 8)
        a0, a1 = words_span(rng, words[:cut], 4, 7)
        b0, b1 = words_span(rng, words[cut + 3 :], 4, 7)
        head, tail = " ".join(words[a0:a1]), " ".join(words[cut + 3 + b0 : cut + 3 + b1])
        left_out = {w.strip(".,;:’").lower() for w in words[a1 : cut + 3 + b0]}
        # Leaving out "denied" would turn the sense round; a head found earlier in the source
        # would join two paragraphs.
        if not left_out & NEGATIONS and " ".join(source.paragraphs).count(head) == 1:
            return Citation(source.key, f"{head} […] {tail}", locator, "match")
    start, end = words_span(rng, words, 6, 14)
    return Citation(source.key, " ".join(words[start:end]), locator, "match")


def make_claims(rng: random.Random, n: int, sources: list[Source]) -> list[Claim]:
    claims = []
    for i in range(n):
        claim = Claim(f"claim-{i + 1:05d}", claim_text(rng))
        # The first source cycles through the library, so every source is cited once N >= it.
        picks = [sources[i % len(sources)]]
        for _ in range(rng.choice([0, 1, 1, 2])):
            other = rng.choice(sources)
            if other not in picks:
                picks.append(other)
        claim.citations = [make_citation(rng, s) for s in picks]
        claims.append(claim)
    return claims


def claim_text(rng: random.Random) -> str:
    """About 30 words: whole sentences until there are at least 25."""
    text = sentence(rng)
    while len(text.split()) < 25:
        text += " " + sentence(rng)
    return text


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def write_report(out: Path, claims: list[Claim]) -> None:
    report = out / "reports" / "bench"
    report.mkdir(parents=True, exist_ok=True)
    files = []
    for f, first in enumerate(range(0, len(claims), CLAIMS_PER_FILE)):
        name = f"claims-{f + 1:02d}.yaml"
        files.append(name)
        lines = [f"# Claims {first + 1} to {min(first + CLAIMS_PER_FILE, len(claims))}."]
        for c in claims[first : first + CLAIMS_PER_FILE]:
            lines += [f"{c.id}:", f"  text: {q(c.text)}", "  status: reported"]
            if any(cit.outcome == "absent" for cit in c.citations):
                lines.append("  ignore: [quote-not-found]")
            lines.append("  sources:")
            for cit in c.citations:
                lines += [f"    - key: {cit.key}", f"      quote: {q(cit.quote)}"]
                lines.append(f"      locator: {cit.locator}")
        (report / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    head = [
        "# A synthetic brief for the benchmark (bench/generate.py).",
        "title: A synthetic brief",
        "subtitle: Generated claims from generated sources",
        "organisation: Example Rights Monitor",
        "date: 2024-06-01",
        "style: chicago-note",
        f"claims: [{', '.join(files)}]",
        "sections:",
    ]
    for number, section in enumerate(sections(claims), 1):
        head += [f"  - heading: Section {number}", "    paragraphs:"]
        for para in section:
            head.append(f"      - [{', '.join(c.id for c in para)}]")
        head.append(f"      - organisation: {q(f'Our assessment of section {number}.')}")
    (report / "report.yaml").write_text("\n".join(head) + "\n", encoding="utf-8")


def sections(claims: list[Claim]) -> list[list[list[Claim]]]:
    """Sections of 20 claims, in paragraphs of five."""
    out = []
    for s in range(0, len(claims), CLAIMS_PER_SECTION):
        chunk = claims[s : s + CLAIMS_PER_SECTION]
        out.append([chunk[p : p + 5] for p in range(0, len(chunk), 5)])
    return out


def write_pandoc(out: Path, claims: list[Claim], sources: list[Source]) -> None:
    """The brief as Markdown: `[@key, locator]` for citeproc, and with written footnotes."""
    by_key = {s.key: s for s in sources}
    folder = out / "pandoc"
    folder.mkdir(parents=True, exist_ok=True)
    meta = "---\ntitle: A synthetic brief\nsubtitle: Generated claims from generated sources\n---\n"
    cite, foot = [meta], [meta]
    seen: set[str] = set()
    number = 0
    for n, section in enumerate(sections(claims), 1):
        cite.append(f"\n# Section {n}\n")
        foot.append(f"\n# Section {n}\n")
        for para in section:
            cited, noted, notes = [], [], []
            for c in para:
                refs = "; ".join(f"@{x.key}, {x.locator}" for x in c.citations)
                cited.append(f"{c.text[:-1]} [{refs}].")
                number += 1
                noted.append(f"{c.text}[^{number}]")
                notes.append(f"[^{number}]: {written_note(c, by_key, seen)}")
            cite.append("\n" + " ".join(cited) + "\n")
            foot.append("\n" + " ".join(noted) + "\n\n" + "\n".join(notes) + "\n")
        organisation = f"\nOur assessment of section {n}.\n"
        cite.append(organisation)
        foot.append(organisation)
    (folder / "citeproc.md").write_text("".join(cite), encoding="utf-8")
    (folder / "footnotes.md").write_text("".join(foot), encoding="utf-8")


def written_note(claim: Claim, by_key: dict[str, Source], seen: set[str]) -> str:
    parts = []
    for cit in claim.citations:
        s = by_key[cit.key]
        author = s.author.strip("{}") if s.author.startswith("{") else s.author.split(", ")[0]
        if cit.key in seen:
            parts.append(f"{author}, “{' '.join(s.title.split()[:4])},” {cit.locator}")
        else:
            parts.append(f"{author}, “{s.title},” *{s.outlet}*, {s.date}, {s.url}, {cit.locator}")
            seen.add(cit.key)
    return "; ".join(parts) + "."


def generate(out: Path, n_claims: int, n_sources: int, seed: int, html_share: float) -> dict:
    rng = random.Random(seed)
    sources = [make_source(rng, i + 1, html_share) for i in range(n_sources)]
    write_sources(out, sources)
    claims = make_claims(rng, n_claims, sources)
    write_report(out, claims)
    write_pandoc(out, claims, sources)
    outcomes = [c.outcome for claim in claims for c in claim.citations]
    summary = {
        "claims": len(claims),
        "sources": len(sources),
        "html_sources": sum(s.html for s in sources),
        "citations": len(outcomes),
        "fuzzy": outcomes.count("fuzzy"),
        "absent": outcomes.count("absent"),
        "snapshot_bytes": sum((out / "sources" / s.file).stat().st_size for s in sources),
        "seed": seed,
    }
    (out / "expected.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the workspace into")
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--sources", type=int, default=400)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--html", type=float, default=0.2, help="share of HTML snapshots")
    args = parser.parse_args()
    summary = generate(args.out, args.claims, args.sources, args.seed, args.html)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
