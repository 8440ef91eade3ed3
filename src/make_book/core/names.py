"""Names derived from text: slugs for files and ids, stable URNs for identifiers."""

from __future__ import annotations

import re
import unicodedata
import uuid


def slugify(text: str) -> str:
    """ASCII slug: « L'exécution » → "l-execution" (ids and file names stay portable)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return text or "x"


def stable_uuid(*names: str) -> str:
    """A URN derived from names, identical from build to build."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "make-book:" + "/".join(names)))
