"""What writing a demo book did: rows and time per part, and the report printed at the end."""

from __future__ import annotations

import resource
import shlex
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from bot.demo.team import Team


@dataclass
class Tally:
    """What was written, and how long each part took."""

    rows: Counter[str] = field(default_factory=Counter)
    tiers: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    due_now: int = 0
    feb29: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def add_time(seconds: dict[str, float], phase: str, spent: float) -> None:
    seconds[phase] = seconds.get(phase, 0.0) + spent


def peak_rss_mb(*, children: bool = False) -> float:
    """This process's peak resident memory so far, in MB (``children``: the largest of the
    processes it started and waited for)."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def report(
    tally: Tally, *, team: Team, where: str, seed: int, now: datetime, seconds: float
) -> str:
    total = tally.rows["customer"] or 1
    tiers = ", ".join(
        f"{tier} {count} ({count / total:.0%})" for tier, count in tally.tiers.items()
    )
    reasons = ", ".join(f"{r} {n}" for r, n in tally.reasons.most_common())
    rows = ", ".join(f"{table} {count}" for table, count in sorted(tally.rows.items()))
    phases = ", ".join(f"{name} {value:.1f}s" for name, value in tally.seconds.items())
    head = team.head.display_name
    some = ", ".join(p.display_name for p in team.salespeople[:3])
    return "\n".join(
        [
            f"Demo book written to {where} (seed {seed}, now {now.isoformat()}).",
            f"  people: head of sales {head}, {len(team.managers)} managers, "
            f"{len(team.salespeople)} salespeople (e.g. {some})",
            f"  customers: {tally.rows['customer']} - {tiers}",
            f"  contacts born on February 29: {tally.feb29}",
            f"  rows: {rows}",
            f"  due now: {tally.due_now} customers ({tally.due_now / total:.1%}); "
            f"nudges the first sweep will write: {reasons or 'none'}",
            f"  time: {seconds:.1f}s ({phases}); peak memory {peak_rss_mb():.0f} MB",
            f"  try: nudgebot console --db {shlex.quote(where)} --as {shlex.quote(head)} "
            f"--now {now.isoformat()}",
            f"  then: :as {team.salespeople[0].display_name}, then quiet, nudges, :tick",
        ]
    )
