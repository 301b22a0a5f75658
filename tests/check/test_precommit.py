"""The pre-commit hooks through the real pre-commit: ``try-repo`` on a snapshot of this project.

pre-commit pip-installs the hook from the snapshot (its dependencies come from PyPI), which
takes a minute: these tests are marked ``precommit`` and run with ``tox -e precommit``.
``try-repo`` on the project directory itself would take the last commit plus changes to
tracked files only, so new files (this very hook, while it is being written) would be missing:
the snapshot is the working tree, tracked and untracked files alike, committed in a repository
of its own.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner import cli
from cleaner.ruleset import shipped_rules_dir
from conftest import FIXTURES

pytestmark = pytest.mark.precommit

ROOT = Path(__file__).parent.parents[1]
GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",  # no signing, hooks, templates
    "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.com",
}
SKIP = shutil.ignore_patterns(".git", ".venv", ".tox", "__pycache__", "*.pyc", ".*_cache",
                              ".hypothesis", "build", "dist", "*.egg-info")


def git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, check=True, text=True,
                          capture_output=True).stdout


def pre_commit(cwd, home, *args):
    env = {**GIT_ENV, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env,
                          text=True, capture_output=True, timeout=1200, check=False)


def project_files():
    """The working tree's files, tracked or not, minus what .gitignore leaves out."""
    out = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return [p for p in out.split("\0") if p and (ROOT / p).is_file()]


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    """This project as it is on disk, committed in a repository of its own."""
    snap = tmp_path_factory.mktemp("project")
    if (ROOT / ".git").exists():
        for rel in project_files():
            (snap / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, snap / rel)
    else:  # an unpacked sdist
        shutil.copytree(ROOT, snap, ignore=SKIP, dirs_exist_ok=True)
    git(snap, "init", "-q")
    git(snap, "add", "-A")
    git(snap, "commit", "-q", "-m", "snapshot")
    return snap


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """pre-commit's store, shared by the tests: the hook is installed once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def corpus(tmp_path):
    """A corpus repository: the seeds cleaned to JSONL and WARC, and a README.txt the hook
    must not take for a clean text."""
    repo = tmp_path / "corpus"
    (repo / "data").mkdir(parents=True)
    code = cli.main(["clean", str(FIXTURES / "seeds" / "raw"), "-o", str(repo / "data" /
                     "seeds.jsonl"), "-o", str(repo / "data" / "seeds.warc.gz")])
    assert code == 0
    (repo / "README.txt").write_text("A corpus of news articles.\n")
    git(repo, "init", "-q")
    return repo


def try_hook(repo, hook_repo, home):
    git(repo, "add", "-A")
    return pre_commit(repo, home, "try-repo", str(hook_repo), "cleaner-check", "--all-files")


def test_manifest_and_config_are_valid(home):
    for what, name in (("validate-manifest", ".pre-commit-hooks.yaml"),
                       ("validate-config", ".pre-commit-config.yaml")):
        result = pre_commit(ROOT, home, what, str(ROOT / name))
        assert result.returncode == 0, result.stdout + result.stderr


def test_a_clean_corpus_passes(corpus, hook_repo, home):
    result = try_hook(corpus, hook_repo, home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "cleaner check (corpus)" in result.stdout
    assert "Passed" in result.stdout


def test_a_dirty_corpus_fails_with_the_findings(corpus, hook_repo, home):
    records = (corpus / "data" / "seeds.jsonl").read_text(encoding="utf-8").splitlines()
    first = records[0].replace('"text": "', '"text": "Share post:\\n\\n', 1)
    (corpus / "data" / "dirty.jsonl").write_text(
        first.replace('"id": "', '"id": "x', 1) + "\n{broken\n", encoding="utf-8")
    result = try_hook(corpus, hook_repo, home)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "Failed" in out
    assert ("data/dirty.jsonl:1: C001 paragraph 1: residual cruft, removed by "
            "rules/_default.toml:drop_line.share_prompt: 'Share post:'") in out
    assert "data/dirty.jsonl:2:2: F001 invalid JSON" in out
    # The seeds' first record has its URL: duplicates are found across the files (pre-commit
    # passes them all to one process, in its own order).
    assert ("data/seeds.jsonl:1: D002 same URL as data/dirty.jsonl:1" in out
            or "data/dirty.jsonl:1: D002 same URL as data/seeds.jsonl:1" in out)
    assert "README.txt" not in out


@pytest.fixture
def rules_repo(tmp_path):
    """A repository that keeps its own rule files: a copy of the bundled ones."""
    repo = tmp_path / "site-rules"
    shutil.copytree(shipped_rules_dir(), repo / "rules")
    git(repo, "init", "-q")
    return repo


def try_rules_hook(repo, hook_repo, home):
    git(repo, "add", "-A")
    return pre_commit(repo, home, "try-repo", str(hook_repo), "cleaner-rules", "--all-files")


def test_good_rule_files_pass_the_rules_hook(rules_repo, hook_repo, home):
    result = try_rules_hook(rules_repo, hook_repo, home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "cleaner rules check" in result.stdout
    assert "Passed" in result.stdout


def test_a_broken_rule_file_fails_the_rules_hook(rules_repo, hook_repo, home):
    (rules_repo / "rules" / "example.org.toml").write_text(
        '[match]\nhosts = ["example.org"]\n\n[[drop_line]]\nname = "menu"\n'
        "pattern = '(Menu)\\1'\n\n[[test]]\nname = \"t\"\ninput = \"Menu\"\n"
        'must_not_contain = ["Menu"]\n', encoding="utf-8")
    result = try_rules_hook(rules_repo, hook_repo, home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout
    assert "rules/example.org.toml" in result.stdout
    assert "R001" in result.stdout
