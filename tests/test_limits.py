"""Bounded work: YAML and template bombs fail fast in little memory; YAML text stays as typed.

The memory tests run `draft` in a child process whose address space is capped with
`resource.setrlimit`: before the bounds, the alias bomb took 50 s and 3 GB and the template
bombs allocated gigabytes; now each stops at once with a located problem.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_workspace, run_draft

from drafting.load.yamlfile import load
from drafting.problems import DraftError

MEMORY_LIMIT = 1_500_000_000  # bytes of address space: the CLI needs a few hundred MB
TIME_LIMIT = 60.0  # seconds: generous for a loaded machine; the bombs ran for minutes or forever

_CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
sys.argv = ["draft", *sys.argv[1:]]
import draft
draft.app()
"""


def _bounded_build(ws: Path) -> subprocess.CompletedProcess[str]:
    code = _CHILD.format(limit=MEMORY_LIMIT)
    return subprocess.run(
        [sys.executable, "-c", code, "check", str(ws / "reports" / "example")],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        cwd=ws,
        check=False,
    )


def _report(ws: Path) -> Path:
    return ws / "reports" / "example" / "report.yaml"


def test_yaml_alias_bomb_fails_fast_in_bounded_memory(tmp_path: Path) -> None:
    ws = copy_workspace(FIXTURES / "example", tmp_path / "ws")
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    report = _report(ws)
    report.write_text("\n".join(lines) + "\n" + report.read_text(), encoding="utf-8")
    assert len(report.read_bytes()) < 3000
    start = time.perf_counter()
    result = _bounded_build(ws)
    assert result.returncode == 1, result.stderr
    assert "error[yaml-limit]" in result.stderr and "Traceback" not in result.stderr
    assert "report.yaml:6:" in result.stderr  # where the expansion passes the bound (9^6)
    assert time.perf_counter() - start < TIME_LIMIT


BOMBS = [
    "{{ 'x' | center(10 ** 10) }}",
    "{{ '%999999999s' % 'x' }}",
    "{{ '%999999999s' | format('x') }}",
    "{{ '{:>999999999}'.format('x') }}",
    "{{ 'x'.ljust(10 ** 10) }}",
    "{{ ('\\n' * 99999) | indent('x' * 99999) }}",
    "{% set ns = namespace(s='xxxxxxxxxx') %}{% for i in range(40) %}"
    "{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "{% set ns = namespace(s='xxxxxxxxxx') %}{% for i in range(40) %}"
    "{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "{% set ns = namespace(l=['x' * 99999]) %}{% for i in range(14) %}"
    "{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l | join('-') }}",
    "{% set ns = namespace(s='ab') %}{% for i in range(30) %}"
    "{% set ns.s = ns.s.replace('a', 'aa' + ns.s) %}{% endfor %}",
]


@pytest.mark.parametrize("bomb", BOMBS)
def test_template_bombs_fail_fast_in_bounded_memory(tmp_path: Path, bomb: str) -> None:
    ws = copy_workspace(FIXTURES / "example", tmp_path / "ws")
    (ws / "templates").mkdir()
    (ws / "templates" / "brief.md.j2").write_text(
        (Path(__file__).resolve().parent.parent / "templates" / "brief.md.j2").read_text()
        + bomb
        + "\n",
        encoding="utf-8",
    )
    code = _CHILD.format(limit=MEMORY_LIMIT)
    result = subprocess.run(
        [sys.executable, "-c", code, "build", str(ws / "reports" / "example"), "-f", "md"],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        cwd=ws,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "error[template-error]" in result.stderr, result.stderr
    assert "templates/brief.md.j2:" in result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    assert not (ws / "build").exists()


# --------------------------------------------------------------------------- YAML as typed


def _yaml(tmp_path: Path, text: str) -> object:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    return load(path).data


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2:14", "2:14"),  # YAML 1.1: 134 (sexagesimal)
        ("1:02:14", "1:02:14"),  # 3734
        ("010", "010"),  # 8 (octal)
        ("0x1F", "0x1F"),  # 31
        ("3.10", "3.10"),  # 3.1
        ("1e3", "1e3"),  # 1000.0
        ("1_000", "1_000"),  # 1000
        ("yes", "yes"),  # True
        ("No", "No"),  # False
        ("on", "on"),  # True
        ("off", "off"),  # False
        (".inf", ".inf"),  # inf
        ("12", "12"),  # 12 (an int, which text fields refused)
        ("9" * 4301, "9" * 4301),  # int() refuses more than 4300 digits: a traceback
    ],
)
def test_plain_scalars_stay_the_text_typed(tmp_path: Path, typed: str, expected: str) -> None:
    assert _yaml(tmp_path, f"locator: {typed}\n") == {"locator": expected}


def test_the_typed_values_the_schema_has_are_still_typed(tmp_path: Path) -> None:
    import datetime as dt

    data = _yaml(tmp_path, "date: 2021-11-25\nibid: true\nnone: ~\nempty:\nquoted: '2021-11-25'\n")
    assert data == {
        "date": dt.date(2021, 11, 25),
        "ibid": True,
        "none": None,
        "empty": None,
        "quoted": "2021-11-25",
    }


def test_keys_like_on_and_yes_are_two_claims_not_one(tmp_path: Path) -> None:
    data = _yaml(tmp_path, "on: a\nyes: b\ntrue: c\n010: d\n8: e\n")
    assert data == {"on": "a", "yes": "b", "true": "c", "010": "d", "8": "e"}


def test_a_claim_with_a_timestamp_locator_builds_as_typed(tmp_path: Path) -> None:
    ws = copy_workspace(FIXTURES / "example", tmp_path / "ws")
    report = _report(ws)
    report.write_text(report.read_text().replace("locator: para. 3", "locator: 2:14"))
    result = run_draft("build", ws / "reports" / "example", "-f", "md")
    assert result.exit_code == 0, result.stderr
    assert "2:14" in (ws / "build" / "example.md").read_text()


def test_a_pasted_line_separator_is_named_at_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: fine\nb: one\u2028two\nc: 1\n", encoding="utf-8")
    with pytest.raises(DraftError) as caught:
        load(path)
    (problem,) = caught.value.problems
    assert problem.location is not None
    assert problem.location.line == 2, problem.format()  # PyYAML counted U+2028 as a line
    assert "U+2028" in problem.message


def test_duplicate_keys_are_reported_at_the_line_an_editor_shows(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text('a: "one\u2028two\u2029three\u0085four"\nb: 1\nb: 2\n', encoding="utf-8")
    with pytest.raises(DraftError) as caught:
        load(path)
    (problem,) = caught.value.problems
    assert problem.code == "duplicate-key"
    assert problem.location is not None and problem.location.line == 3


# --------------------------------------------------------------------------- the locator regex


def test_an_adversarial_locator_builds_in_linear_time(tmp_path: Path) -> None:
    ws = copy_workspace(FIXTURES / "example", tmp_path / "ws")
    report = _report(ws)
    locator = "x, " * 17 + "x!"  # 53 characters: exponential in the old page-list pattern
    assert len(locator) == 53
    report.write_text(report.read_text().replace("locator: para. 3", f"locator: '{locator}'"))
    start = time.perf_counter()
    result = run_draft("build", ws / "reports" / "example", "-f", "md")
    assert result.exit_code == 0, result.stderr
    assert time.perf_counter() - start < 20
