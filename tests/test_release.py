"""`make-book release`: versioned files, checksums that verify, a manifest that tells the truth,
two releases byte-identical, a web edition ready for a static host; books with errors (or
warnings, with --strict) refused. And the CI workflows: valid, and doing what the README does."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES, REPO, copy_project
from lxml import html
from pypdf import PdfReader

from make_book.build.release import make_release, release_version
from make_book.commands.release import release
from make_book.core.diagnostics import BookError
from make_book.core.store import CACHE_VARIABLE

MINI = FIXTURES / "mini"
VERSION = "2024-05-01"  # the mini book's date: no git tag, no [book] version
SLUG = "a-small-book"
WORKFLOWS = REPO / ".github" / "workflows"


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The mini book released twice into two folders, each from a cold cache: once through
    the API into dist/release/, once through the command into another folder."""
    root = copy_project(MINI, tmp_path_factory.mktemp("release") / "book")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(CACHE_VARIABLE, raising=False)  # the project's own cache, emptied below
        one = make_release(root)
        shutil.rmtree(root / ".cache")
        other = tmp_path_factory.mktemp("release-again")
        outcome = CliRunner().invoke(release, [str(root), "--out", str(other)])
    assert outcome.exit_code == 0, outcome.output
    return one, other / VERSION


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_release_holds_every_edition_and_format_under_versioned_names(releases):
    folder, _ = releases
    assert folder.name == VERSION
    assert (folder.parent.name, folder.parent.parent.name) == ("release", "dist")
    assert sorted(files_of(folder)) == sorted([
        f"{SLUG}-{VERSION}.epub", f"{SLUG}-{VERSION}.pdf", f"{SLUG}-{VERSION}-screen.pdf",
        f"{SLUG}-{VERSION}-cover.pdf", f"{SLUG}-{VERSION}.docx", f"{SLUG}-{VERSION}-web.zip",
        "SHA256SUMS", "manifest.json"])
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")], \
        "a staging folder was left behind"


def test_two_releases_are_byte_identical(releases):
    first, second = map(files_of, releases)
    assert sorted(first) == sorted(second)
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, f"files that differ between two releases of the same sources: {differ}"


def test_sha256sums_verify(releases):
    folder, _ = releases
    lines = (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        match = re.fullmatch(r"([0-9a-f]{64})  (\S+)", line)
        assert match, f"not a sha256sum line: {line!r}"
        listed[match.group(2)] = match.group(1)
    assert sorted(listed) == sorted(n for n in files_of(folder) if n != "SHA256SUMS")
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    # The command readers are told to run.
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder,
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_manifest_describes_the_files(releases):
    folder, _ = releases
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == VERSION
    assert manifest["book"]["title"] == "A Small Book"
    entries = manifest["files"]
    assert sorted(e["name"] for e in entries) == sorted(
        n for n in files_of(folder) if n not in ("SHA256SUMS", "manifest.json"))
    kinds = {(e["edition"], e["format"], e["variant"]) for e in entries}
    assert kinds == {("omnibus", "epub", None), ("omnibus", "pdf", "print"),
                     ("omnibus", "pdf", "screen"), ("omnibus", "pdf", "cover"),
                     ("omnibus", "docx", None), ("omnibus", "html", "web")}
    assert [e["format"] for e in entries][-1] == "html", "the web edition comes last"
    source_words = sum(len(p.read_text(encoding="utf-8").split())
                       for p in (MINI / "manuscript").glob("*.md"))
    for entry in entries:
        data = (folder / entry["name"]).read_bytes()
        assert entry["size"] == len(data), entry["name"]
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), entry["name"]
        if entry["format"] == "pdf":
            assert entry["pages"] == len(PdfReader(folder / entry["name"]).pages) > 0
        else:
            assert entry["pages"] is None
        if entry["variant"] == "cover":
            assert entry["words"] is None, "a cover holds the title, not the text"
            continue
        # The text's words, not the Markdown's markup: some, and no more than the source has.
        assert 0.5 * source_words < entry["words"] <= source_words, entry
    media = {e["format"]: e["media_type"] for e in entries}
    assert media == {"epub": "application/epub+zip", "pdf": "application/pdf",
                     "html": "application/zip", "docx": "application/vnd.openxmlformats-"
                     "officedocument.wordprocessingml.document"}
    text = (folder / "manifest.json").read_text(encoding="utf-8")
    assert text == json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


LOCAL_REFS = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def test_web_edition_zip_is_ready_for_a_static_host(releases):
    folder, _ = releases
    with zipfile.ZipFile(folder / f"{SLUG}-{VERSION}-web.zip") as archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)
        assert "index.html" in names, "index.html must stand at the root of the zip"
        assert all(not n.startswith("/") and ".." not in n.split("/") for n in names)
        assert {i.date_time for i in infos} == {(2024, 5, 1, 0, 0, 0)}
        assert {stat.S_IMODE(i.external_attr >> 16) for i in infos} == {0o644}
        contents = {n: archive.read(n) for n in names}
    broken = []
    for name, data in contents.items():
        if name.endswith(".html"):
            page = html.fromstring(data)
            refs = [v for a in ("href", "src") for v in page.xpath(f"//@{a}")]
            refs += [c.split()[0] for v in page.xpath("//@srcset") for c in v.split(",")
                     if c.strip()]
        elif name.endswith(".css"):
            refs = LOCAL_REFS.findall(data.decode("utf-8"))
        else:
            continue
        for ref in refs:
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # another site, mailto:, or an anchor in the same page
            if parts.path.startswith("/"):
                broken.append(f"{name}: {ref} (absolute: needs a server at the site's root)")
                continue
            target = (Path(name).parent / unquote(parts.path)).as_posix()
            target = re.sub(r"(^|/)\./", r"\1", target)
            while "/../" in f"/{target}":
                target = re.sub(r"(^|/)[^/]+/\.\./", r"\1", target, count=1)
            if target.endswith("/"):
                target += "index.html"
            if target not in contents:
                broken.append(f"{name}: {ref}")
    assert not broken, "links that a static host cannot serve:\n" + "\n".join(broken)


def test_strict_release_refuses_warnings_and_writes_nothing(tmp_path):
    root = copy_project(MINI, tmp_path / "book")
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + 'colour = "blue"\n', encoding="utf-8")
    line = len(toml.read_text(encoding="utf-8").splitlines())
    with pytest.raises(BookError) as caught:
        make_release(root, strict=True)
    message = caught.value.format_message()
    assert f"manuscript/book.toml:{line}: W002 unknown key `colour`" in message
    assert not (root / "dist" / "release" / VERSION).exists()


@pytest.mark.parametrize(("relative", "old", "new", "expected"), [
    ("manuscript/01-first.md", "assets/disc.png", "assets/nope.png",
     "manuscript/01-first.md:9: E042 image not found: `assets/nope.png`"),
    ("manuscript/book.toml", "date = 2024-05-01", 'date = 2024-05-01\nversion = "1 0"',
     'manuscript/book.toml:8: E005 [book] version must be'),
])
def test_release_of_a_book_with_errors_is_refused(tmp_path, relative, old, new, expected):
    root = copy_project(MINI, tmp_path / "book")
    path = root / relative
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    outcome = CliRunner().invoke(release, [str(root), "--version", "1.0"])
    assert outcome.exit_code == 1, outcome.output
    assert expected in outcome.output
    assert "Traceback" not in outcome.output
    assert not (root / "dist" / "release" / "1.0").exists()


def test_a_version_that_cannot_name_files_is_a_usage_error(tmp_path):
    outcome = CliRunner().invoke(release, [str(tmp_path), "--version", "../1.0"])
    assert outcome.exit_code == 2
    assert "cannot name files" in outcome.output


def git(root: Path, *args: str) -> None:
    assert shutil.which("git"), "git is missing: apt-get install -y git"
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_CONFIG_GLOBAL": "/dev/null"}
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


def test_version_comes_from_the_tag_then_book_toml_then_the_date(tmp_path):
    root = copy_project(MINI, tmp_path / "book")
    assert release_version(root) == VERSION
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        "[book]\n", '[book]\nversion = "0.9-beta"\n'), encoding="utf-8")
    assert release_version(root) == "0.9-beta"
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "book")
    assert release_version(root) == "0.9-beta", "a commit without a tag has no version"
    git(root, "tag", "v1.2.0")
    assert release_version(root) == "1.2.0"
    (root / "manuscript" / "01-first.md").write_text("# Changed\n", encoding="utf-8")
    assert release_version(root) == "1.2.0-dirty"


# The CI workflows.

def load_workflow(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as the boolean true.
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def runs(workflow: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(workflow))


def uses(workflow: dict, action: str) -> list[dict]:
    return [s for s in steps(workflow) if s.get("uses", "").split("@")[0] == action]


def installs_like_the_readme(workflow: dict) -> None:
    """The job runs as root on Debian with Python 3.11, so scripts/setup.sh --test (which
    `make test` calls) installs the system packages as it would for a newcomer."""
    for job in workflow["jobs"].values():
        image = job.get("container")
        image = image.get("image") if isinstance(image, dict) else image
        assert image and re.match(r"python:3\.11(\.\d+)?-bookworm$", image), image
    assert "scripts/setup.sh --test" in runs(workflow) or "make test" in runs(workflow)
    assert uses(workflow, "actions/checkout")


def test_setup_script_installs_java_and_chromium():
    setup = (REPO / "scripts" / "setup.sh").read_text(encoding="utf-8")
    for package in ("default-jre-headless", "chromium", "poppler-utils"):
        assert re.search(rf"missing\+=\([^)]*\b{package}\b", setup), package
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/setup.sh --test" in (REPO / "Makefile").read_text(encoding="utf-8")


def test_build_workflow_tests_builds_and_uploads_dist():
    workflow = load_workflow("build.yml")
    assert {"push", "pull_request"} <= set(workflow["on"])
    installs_like_the_readme(workflow)
    commands = runs(workflow)
    assert commands.index("make test") < commands.index("make book")
    upload = uses(workflow, "actions/upload-artifact")
    assert upload and upload[0]["with"]["path"].rstrip("/") == "dist"


def test_release_workflow_releases_on_a_version_tag():
    workflow = load_workflow("release.yml")
    assert workflow["on"]["push"]["tags"] == ["v*"]
    assert workflow["permissions"]["contents"] == "write"
    installs_like_the_readme(workflow)
    commands = runs(workflow)
    assert commands.index("make test") < commands.index("make-book release")
    assert "sha256sum -c SHA256SUMS" in commands
    attach = uses(workflow, "softprops/action-gh-release")
    assert attach and attach[0]["with"]["files"].startswith("dist/release/")


def test_workflows_match_the_github_actions_schema():
    checker = Path(sys.executable).parent / "check-jsonschema"
    if not checker.exists():
        pytest.fail("check-jsonschema is missing: run `scripts/setup.sh --test` (or "
                    "`pip install -e '.[test]'`)", pytrace=False)
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert len(files) >= 2
    checked = subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows",
                              *files], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
