"""The record of what each output was made from, so that a rebuild skips unchanged work.

Every key is a sha256 of contents — the inputs, the templates and styles, the configuration and
make-book's own files and library versions (fingerprint.py) — never of modification times,
which a checkout, a copy or an editor's save can change without changing a byte.

`OutputStore` is `<cache>/outputs.json`: the key each file of `dist/` was made from, the
  sha256 it had and its artifact record (edition, format, variant, pages, page breaks). A
  build whose output would have the same key copies the previous file into its staging folder
  instead of rendering it again, after checking the file still has the recorded bytes, and
  takes its record back; a whole build whose inputs are unchanged is recognised before the
  manuscript is read.

A cache entry that cannot be read, or whose checksum does not match, is ignored and remade: a
damaged cache costs time, never a wrong or failed build.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from make_book.build.fingerprint import inputs_digest
from make_book.core.artifacts import Artifact
from make_book.core.diagnostics import Diagnostic, Severity
from make_book.core.files import tree_digest, write_atomic
from make_book.core.log import log
from make_book.core.store import state_dir

STORE_VERSION = 2  # 2: every output's artifact record in its `data`


class OutputStore:
    """`<project>/.cache/make-book/outputs.json`: for each file written to an output folder,
    the key it was made from, its sha256 and its artifact record; for each (folder, formats,
    edition), the last build's inputs."""

    def __init__(self, root: Path) -> None:
        self.path = state_dir(root) / "outputs.json"
        self.outputs: dict[str, dict[str, Any]] = {}
        self.builds: dict[str, dict[str, Any]] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") == STORE_VERSION:
                self.outputs = {k: v for k, v in data["outputs"].items() if _record(v)}
                self.builds = {k: v for k, v in data["builds"].items() if isinstance(v, dict)}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            # No store yet, or a damaged one: every output is rendered.
            log.debug("no record of earlier builds (%s): every output is made", exc)

    # -- single outputs -----------------------------------------------------------------------

    def reuse(self, dest: Path, key: str, staged: Path) -> Artifact | None:
        """Copy dest (the previous build's file or folder) to staged when it was made from the
        same key and still has the bytes recorded then, and return its record, at staged
        (its pages and page breaks come back with it); None when it must be rendered."""
        record = self.outputs.get(str(dest))
        if record is None or record["key"] != key or not dest.exists():
            return None
        artifact = Artifact.from_record(record.get("data"), staged)
        if artifact is None:
            return None
        try:
            if tree_digest(dest) != record["sha256"]:
                return None
            if dest.is_dir():
                shutil.copytree(dest, staged, copy_function=shutil.copyfile)
            else:
                shutil.copyfile(dest, staged)
        except OSError:
            if staged.is_dir():
                shutil.rmtree(staged, ignore_errors=True)
            return None
        return artifact

    def remember(self, artifact: Artifact, key: str, sha256: str) -> None:
        """Record an output published at artifact.path: its key, bytes and record."""
        self.outputs[str(artifact.path)] = {"key": key, "sha256": sha256,
                                            "data": artifact.record()}

    # -- whole builds -------------------------------------------------------------------------

    @staticmethod
    def build_name(out: Path, formats: Iterable[str], edition: str) -> str:
        return f"{out}|{','.join(sorted(formats))}|{edition}"

    def unchanged(self, root: Path, name: str) -> tuple[list[Artifact], list[Diagnostic]] | None:
        """The outputs and warnings of the last build of this name when its inputs are the
        same and every output still has the recorded bytes; None otherwise."""
        record = self.builds.get(name)
        if not record:
            return None
        try:
            extra = [Path(p) for p in record["files"]]
            if inputs_digest(root, extra) != record["inputs"]:
                return None
            outputs: list[Artifact] = []
            for path in (Path(p) for p in record["outputs"]):
                entry = self.outputs.get(str(path))
                if entry is None or not path.exists() or tree_digest(path) != entry["sha256"]:
                    return None
                artifact = Artifact.from_record(entry.get("data"), path)
                if artifact is None:
                    return None
                outputs.append(artifact)
            return outputs, [_diagnostic(w) for w in record["warnings"]]
        except (OSError, KeyError, TypeError, ValueError):
            return None

    def remember_build(self, root: Path, name: str, files: list[Path], outputs: list[Path],
                       warnings: list[Diagnostic]) -> None:
        self.builds[name] = {
            "inputs": inputs_digest(root, files), "files": [str(p) for p in files],
            "outputs": [str(p) for p in outputs],
            "warnings": [_warning_json(w) for w in warnings]}

    def save(self) -> None:
        """Write the store, forgetting outputs that no longer exist (temporary folders of
        `make-book check` and `release`)."""
        outputs = {k: v for k, v in self.outputs.items() if Path(k).exists()}
        builds = {k: v for k, v in self.builds.items()
                  if all(p in outputs for p in v.get("outputs", []))}
        data = {"version": STORE_VERSION, "outputs": dict(sorted(outputs.items())),
                "builds": dict(sorted(builds.items()))}
        try:
            write_atomic(self.path, json.dumps(data, indent=1, ensure_ascii=False).encode())
        except OSError as exc:
            # The next build renders everything again, nothing worse.
            log.debug("the record of this build was not written: %s", exc)


def _record(value: object) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("key"), str)
            and isinstance(value.get("sha256"), str))


def _warning_json(item: Diagnostic) -> dict[str, Any]:
    return {"code": item.code, "message": item.message,
            "path": str(item.path) if item.path is not None else None, "line": item.line,
            "col": item.col, "hint": item.hint}


def _diagnostic(data: dict[str, Any]) -> Diagnostic:
    return Diagnostic(data["code"], data["message"],
                      Path(data["path"]) if data["path"] is not None else None, data["line"],
                      data["col"], Severity.WARNING, data["hint"])
