"""Write the README's problem-code tables from drafting/codes.py (the one list of codes).

Usage: python scripts/problem_codes.py [--check]
Each table sits between `<!-- problem-codes:NAME -->` and `<!-- /problem-codes:NAME -->`;
everything between the markers is replaced. `--check` changes nothing and exits 1 when the
README is out of date (tests/test_codes.py runs the same comparison).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from drafting.codes import TABLES, table

README = Path(__file__).resolve().parent.parent / "README.md"


def generate(text: str) -> str:
    """`text` with every marked table replaced by the generated one."""
    for name in TABLES:
        block = re.compile(
            rf"(<!-- problem-codes:{name} -->\n).*?(<!-- /problem-codes:{name} -->)", re.S
        )
        if not block.search(text):
            raise SystemExit(f"README.md has no <!-- problem-codes:{name} --> markers")
        text = block.sub(lambda m: m.group(1) + table(name) + m.group(2), text)  # noqa: B023
    return text


def main() -> int:
    current = README.read_text(encoding="utf-8")
    wanted = generate(current)
    if "--check" in sys.argv[1:]:
        if wanted != current:
            print("README.md's problem-code tables are out of date: run make problem-codes")
            return 1
        return 0
    if wanted != current:
        README.write_text(wanted, encoding="utf-8")
        print("README.md: problem-code tables updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
