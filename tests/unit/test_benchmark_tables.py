"""The benchmark's tables print what its parts measured: each ratio to the whole floor and to
its rows alone, whatever else the run measured."""

from __future__ import annotations

import pytest

from benchmarks.natural import print_natural
from benchmarks.run import print_table
from benchmarks.touch import TouchResult


def test_the_sweep_table_prints_both_ratios_and_the_touch_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    row = {
        "database": "sqlite", "size": "10k", "demo_s": 4.8, "demo_mb": 149.0, "share": 0.1,
        "due": 997, "floor_s": 0.04, "floor_rows_s": 0.025, "sweep_s": 0.34, "sweep_mb": 108.0,
        "nudges": 336,
    }  # fmt: skip
    missing = TouchResult(measured=False, reason="not measured: Slack HTTP endpoint unavailable")
    print_table([row, {**row, "share": 0.01, "touch": missing}], {})
    out = capsys.readouterr().out
    assert out.count("  8.5x  13.6x") == 2  # 0.34 / 0.04 and 0.34 / 0.025
    assert "sqlite       10k  not measured: Slack HTTP endpoint unavailable" in out


def test_the_natural_table_prints_both_ratios(capsys: pytest.CaptureFixture[str]) -> None:
    first = {
        "customers": 25845, "decide_s": 3.2, "sweep_s": 4.0, "digests": 78, "digests_s": 0.6,
        "seconds": 4.7, "peak_rss_mb": 200.0, "tree_peak_rss_mb": 248.0, "steady_seconds": 0.06,
    }  # fmt: skip
    floor = {"decide_s": 0.8, "rows_s": 0.5, "digest_s": 0.23}
    row = {"database": "sqlite", "size": "100k", "floor": floor, "first": first,
           "monday": {"seconds": 0.7}, "home": {"seconds": 0.12}}  # fmt: skip
    print_natural([row, row])
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("sqlite")]
    assert len(lines) == 2
    assert all("  4.0x   6.4x" in line for line in lines)  # 3.2 / 0.8 and 3.2 / 0.5
