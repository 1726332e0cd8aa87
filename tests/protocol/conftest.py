"""Collects round-trip match rates and prints them as one table, with or without `-s`."""

from __future__ import annotations

import pytest

# (service, direction) -> (matched, total); filled by the round-trip tests.
ROUNDTRIP_RESULTS: dict[tuple[str, str], tuple[int, int]] = {}
DIRECTIONS = ("request", "response", "error")


def summary_table() -> str:
    services = sorted({s for s, _ in ROUNDTRIP_RESULTS})
    lines = [f"{'service':<16}" + "".join(f"{d:>18}" for d in DIRECTIONS)]
    for service in services:
        cells = []
        for d in DIRECTIONS:
            if (service, d) in ROUNDTRIP_RESULTS:
                ok, total = ROUNDTRIP_RESULTS[(service, d)]
                rate = 100.0 * ok / total if total else 100.0
                cells.append(f"{ok:>5}/{total:<5} {rate:5.1f}%")
            else:
                cells.append("-")
        lines.append(f"{service:<16}" + "".join(f"{c:>18}" for c in cells))
    return "\n".join(lines)


@pytest.fixture(scope="session")
def roundtrip_report(tmp_path_factory):
    """Record a direction's result; the table is also written to roundtrip_summary.txt."""
    path = tmp_path_factory.getbasetemp() / "roundtrip_summary.txt"

    def record(service: str, direction: str, matched: int, total: int) -> None:
        ROUNDTRIP_RESULTS[(service, direction)] = (matched, total)
        path.write_text(summary_table() + "\n")

    record.path = path
    return record


def pytest_terminal_summary(terminalreporter) -> None:
    if ROUNDTRIP_RESULTS:
        terminalreporter.write_sep("-", "protocol round-trip match rates")
        terminalreporter.write_line(summary_table())
