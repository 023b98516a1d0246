"""How names are compared: the same rule for customers, offers and people everywhere."""

from __future__ import annotations

import unicodedata


def name_key(name: str) -> str:
    """NFKC, casefolded, single spaces, no outer whitespace: "  ACME  Corp" == "acme corp"."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())
