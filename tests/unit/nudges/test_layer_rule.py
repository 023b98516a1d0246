"""The functional core imports the standard library only."""

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import nudges

SCRIPT = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    before = set(sys.modules)
    import nudges
    for info in pkgutil.walk_packages(nudges.__path__, "nudges."):
        importlib.import_module(info.name)
    def third_party(name):
        module = sys.modules[name]
        where = str(getattr(module, "__file__", "") or "")
        top = name.split(".")[0]
        if top == "nudges":
            return False
        if "site-packages" in where or "dist-packages" in where:
            return True
        return top not in sys.stdlib_module_names and not top.startswith("_")
    print(",".join(sorted(n for n in set(sys.modules) - before if third_party(n))))
    """
)


def test_importing_every_module_of_the_core_loads_no_third_party_package():
    root = Path(nudges.__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-I", "-c", SCRIPT],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
    )
    assert result.stdout.strip() == ""


def test_the_core_reads_no_clock_environment_or_io():
    forbidden = re.compile(
        r"\.now\(|\.today\(|utcnow|os\.environ|getenv|(?<![\w.])open\(|\blogging\b"
        r"|time\.time\(|\bprint\(|\bimport (os|io|random|socket)\b"
    )
    for path in Path(nudges.__file__).resolve().parent.glob("*.py"):
        found = forbidden.search(path.read_text())
        assert found is None, f"{path.name} uses {found.group(0) if found else ''}"
