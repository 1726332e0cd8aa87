"""Print the conformance pass rate per kind and category: python3 tests/asl/conformance_report.py"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from asl_conformance import check, runnable_cases, skip_reason  # noqa: E402


def main(verbose: bool = False) -> None:
    totals: dict = collections.defaultdict(lambda: [0, 0, 0])  # passed, failed, skipped
    for case in runnable_cases():
        key = (case["kind"], case["category"])
        if skip_reason(case):
            totals[key][2] += 1
            continue
        try:
            problems = check(case)
        except Exception as exc:  # a crash is a failure, reported with its type
            problems = [f"crash {type(exc).__name__}: {exc}"]
        totals[key][0 if not problems else 1] += 1
        if problems and verbose:
            print(f"FAIL {case['id']}\n    {problems[0][:600]}")
    print(f"{'kind':<16}{'category':<20}{'passed':>8}{'failed':>8}{'skipped':>8}{'rate':>8}")
    all_p = all_f = 0
    for (kind, cat), (p, f, s) in sorted(totals.items()):
        all_p, all_f = all_p + p, all_f + f
        rate = f"{100 * p / (p + f):.0f}%" if p + f else "-"
        print(f"{kind:<16}{cat:<20}{p:>8}{f:>8}{s:>8}{rate:>8}")
    print(f"total: {all_p} passed, {all_f} failed ({100 * all_p / max(1, all_p + all_f):.1f}%)")


if __name__ == "__main__":
    main(verbose="-v" in sys.argv)
