"""Shared test helpers: real workspaces in temporary folders, the CLI, and the oracles."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from draft import app

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLE = "saratov-otb1"

# Property tests explore new random examples on every developer run; in CI they replay the
# same ones, so a run's result depends on the commit, not on luck, and a slow shared machine
# never fails a test on Hypothesis's per-example time limit (speed is benchmarked instead).
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")


@pytest.fixture(autouse=True, scope="session")
def _private_snapshot_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or fill the user's snapshot cache (~/.cache/draft)."""
    os.environ.setdefault("DRAFT_CACHE_DIR", str(tmp_path_factory.mktemp("draft-cache")))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden/ from the current output"
    )


@pytest.fixture(autouse=True)
def _docx_outputs_are_valid(tmp_path: Path) -> Iterator[None]:
    """After each test, every .docx `draft` built in its temporary folder passes openxml-audit
    (the Office Open XML schemas and Word's consistency rules) with no findings."""
    yield
    from oracles import assert_built_docx_valid

    assert_built_docx_valid(tmp_path)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def run_draft(*args: str | Path) -> Result:
    """Run the CLI in-process, as a user would type it."""
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


def copy_workspace(source: Path, target: Path) -> Path:
    """A workspace (sources/, reports/, optional templates/) copied into `target`."""
    for name in ("sources", "reports", "templates"):
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name)
    return target


def copy_sample(ws: Path) -> Path:
    """The repository's sample workspace copied to `ws` (without templates: the shipped ones
    apply)."""
    ws.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "sources", ws / "sources")
    shutil.copytree(REPO / "reports", ws / "reports")
    return ws


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the repository's sample workspace in a temporary folder."""
    return copy_sample(tmp_path / "ws")


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The issue's example report, exactly as written, in its own workspace."""
    return copy_workspace(FIXTURES / "example", tmp_path / "example")


def require_tool(name: str) -> str:
    """The oracle's path; skip when missing, except under CI where a missing oracle fails."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"test oracle '{name}' is not installed (CI=true)")
        pytest.skip(f"'{name}' is not installed; install it to run this check")
    return path
