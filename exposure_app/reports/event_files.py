"""Writing event files (``events export``, the events page's Export).

JSON as :func:`exposure_app.risk.event_io.events_to_json` makes it; CSV
through the one CSV writer (:func:`exposure_app.reports.csv_safe.write_csv`),
so a title such as ``=cmd|' /C calc'!A0`` is written as text a spreadsheet
will not run. :func:`exposure_app.risk.event_io.read_events_text` reads both
back. The file is replaced atomically (temp file + rename).

Threading: pure file I/O on the caller's thread.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from pathlib import Path

from exposure_app.reports.csv_safe import Column, write_csv
from exposure_app.risk.event_io import CSV_COLUMNS, event_csv_row, events_to_json, format_for
from exposure_app.risk.events import RiskEvent
from exposure_app.risk.links import Link

COLUMNS = tuple(Column(name) for name in CSV_COLUMNS)


def events_to_csv(events: Iterable[RiskEvent]) -> str:
    out = io.StringIO(newline="")
    write_csv(out, COLUMNS, (event_csv_row(e) for e in events))
    return out.getvalue()


def write_events_file(path: Path, events: Iterable[RiskEvent], links: Iterable[Link] = (),
                      counterparties: Iterable[dict] = ()) -> None:
    """Write ``events`` as JSON or CSV (by the file name); atomic replace. JSON also
    carries the user's ``links`` and ``counterparties`` (CSV holds events only).

    Raises :class:`~exposure_app.risk.event_io.EventFileError` for a file name
    that is neither ``.json`` nor ``.csv`` and ``OSError`` when it cannot be
    written (the previous file, if any, is left as it was).
    """
    fmt = format_for(path)
    text = (events_to_json(events, links=links, counterparties=counterparties)
            if fmt == "json" else events_to_csv(events))
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
