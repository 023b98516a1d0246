"""Lines anyone might type: the whole command language (every command, with the options and
values it takes, mangled), plus arbitrary unicode (control characters and, where the surface
can carry them, lone surrogates).

The number of examples is bounded for CI; a longer run, for local use::

    NUDGEBOT_FUZZ_EXAMPLES=3000 .venv/bin/pytest tests/fuzz -q -p no:randomly
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.commands import COMMANDS

EXAMPLES = int(os.environ.get("NUDGEBOT_FUZZ_EXAMPLES", "120"))

NAMES = [
    "Acme",
    "acme",
    "Globex",
    "Initech Ltd",
    "Ümlaut GmbH",
    '"Quoted Co"',
    "1",
    "2",
    "Ac\x00me",
    "\x00",
    "Glo\x1bbex",
]
OPTIONS = [
    "tier=key",
    "tier=",
    "since=2027-02-30",
    "since=9999-12-31",
    "since=1900-01-01",
    "renewal=2200-12-31",
    "renewal=2201-01-01",
    "on=yesterday",
    "on=0001-01-01",
    "until=3d",
    "until=9999y",
    "from=9999-12-30",
    "public=9999-12-31",
    "kind=product",
    "birthday=02-29",
    "birthday=9999-02-29",
    "owner=@",
    "cover=@bob",
    'role="',
    "value=1e309",
    "value=-5",
    "cadence=0",
    "quantity=99999999999999999999",
    "tz=Mars/Olympus",
    "email=a@b",
    "--",
    "-- a note",
    "-- a\x00b",
    "role=\x07",
    "\u2014",
    "<@U1|x>",
    "<!channel>",
    "<at>x</at>",
    "&amp;",
    "\u00a0",
    "\u0663",
    "\n",
    "\t",
    "all",
    "off",
    "none",
    "3",
    "1w",
    "friday",
]
_WORDS = st.one_of(
    st.sampled_from(NAMES), st.sampled_from(OPTIONS), st.sampled_from(list(COMMANDS))
)


def lines(*, surrogates: bool) -> st.SearchStrategy[str]:
    """Command-shaped lines, and arbitrary text (with lone surrogates when ``surrogates``)."""
    alphabet = st.characters(
        min_codepoint=0,
        max_codepoint=0x10FFFF,
        exclude_categories=() if surrogates else ("Cs",),
    )
    noise = st.text(alphabet=alphabet, max_size=12)
    commandish = st.tuples(
        st.sampled_from(list(COMMANDS)), st.lists(st.one_of(_WORDS, _WORDS, noise), max_size=8)
    ).map(lambda parts: " ".join([parts[0], *parts[1]]))
    control = st.one_of(
        st.just("\x00"),
        st.sampled_from([chr(c) for c in range(0x20)] + (["\ud800"] if surrogates else [])),
    )
    poisoned = st.tuples(commandish, control, st.integers(min_value=0, max_value=200)).map(
        lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]
    )
    return st.one_of(
        commandish,
        poisoned,
        st.text(alphabet=alphabet, max_size=200),
        st.lists(st.one_of(_WORDS, noise), max_size=12).map(" ".join),
    )


def sample(strategy: st.SearchStrategy[str], count: int = EXAMPLES) -> list[str]:
    """``count`` lines drawn from ``strategy`` (generation only: for surfaces driven
    asynchronously, where a failing line is reported as it is)."""
    drawn: list[str] = []

    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(line: str) -> None:
        drawn.append(line)

    collect()
    return drawn
