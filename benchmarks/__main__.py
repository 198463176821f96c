"""``python -m benchmarks [NAME ...]``: run the benchmarks and print a table."""

from __future__ import annotations

import importlib
import os
import sys
import traceback

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BENCHMARKS = [
    "benchmarks.bench_sync",
    "benchmarks.bench_xpub",
    "benchmarks.bench_startup",
    "benchmarks.bench_scale",
    "benchmarks.bench_history",
    "benchmarks.bench_export",
    "benchmarks.bench_memory",
    "benchmarks.bench_bundle",
    "benchmarks.bench_backtest",
    "benchmarks.bench_news",
    "benchmarks.bench_import",
]


def main(argv: list[str]) -> int:
    if {"-h", "--help"} & set(argv):
        names = " ".join(m.removeprefix("benchmarks.bench_") for m in BENCHMARKS)
        print(f"usage: python -m benchmarks [NAME ...]\n\nNAME: {names} (default: all)")
        return 0
    wanted = [f"benchmarks.bench_{name}" for name in argv] or BENCHMARKS
    print("| benchmark | figure | goal | verdict | detail |")
    print("|---|---|---|---|---|")
    failed = 0
    for module_name in wanted:
        try:
            module = importlib.import_module(module_name)
            figures = module.run()
        except Exception as exc:  # a benchmark that cannot run is reported, not hidden
            failed += 1
            print(f"| {module_name} | error | | | {type(exc).__name__}: {exc} |")
            traceback.print_exc(file=sys.stderr)
            continue
        for figure in figures:
            print(figure.row(), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
