"""The grammar is pure: importing it loads only the standard library and the domain."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
before = set(sys.modules)
import bot.commands
for name in sorted(set(sys.modules) - before):
    path = getattr(sys.modules[name], "__file__", None) or ""
    if "site-packages" in path or "dist-packages" in path:
        print(name)
"""


def test_importing_the_grammar_loads_no_third_party_package() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == []
