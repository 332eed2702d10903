"""`marsad export`: the sink's latest events as ACLED-style CSV or Parquet.

Columns are `workers.acled.COLUMNS` (ACLED's export order, then Marsad's own); types in
`COLUMN_TYPES`, documented in the README. Filters: event date range and countries.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from workers.acled import COLUMNS, acled_row

# Parquet / pandas type of each column; everything not listed is a string.
COLUMN_TYPES: dict[str, str] = {
    "event_date": "date",
    "year": "int",
    "time_precision": "int",
    "inter1": "int",
    "inter2": "int",
    "interaction": "int",
    "latitude": "float",
    "longitude": "float",
    "geo_precision": "int",
    "fatalities": "int",
    "timestamp": "int",
    "fatalities_max": "int",
    "wounded": "int",
    "independent_sources": "int",
    "version": "int",
    "confidence": "float",
    "lead": "bool",
}


@dataclass(frozen=True)
class EventFilter:
    since: date | None = None  # event date on or after
    until: date | None = None  # event date on or before
    countries: frozenset[str] = frozenset()  # ISO alpha-2 codes or English names, upper-cased

    def matches(self, row: Mapping[str, Any]) -> bool:
        if self.countries and not (
            row["country_code"].upper() in self.countries or row["country"].upper() in self.countries
        ):
            return False
        day = date.fromisoformat(row["event_date"]) if row["event_date"] else None
        if self.since and (day is None or day < self.since):
            return False
        return not (self.until and (day is None or day > self.until))


def rows(
    events: Iterable[Mapping[str, Any]], filt: EventFilter, outlet_countries: Mapping[str, str]
) -> list[dict[str, Any]]:
    """ACLED rows of the events that pass the filter, by event date then id."""
    out = [r for r in (acled_row(e, outlet_countries) for e in events) if filt.matches(r)]
    out.sort(key=lambda r: (r["event_date"] or "", r["event_id_cnty"]))
    return out


def write_csv(records: list[dict[str, Any]], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in records:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})


def arrow_schema() -> Any:
    import pyarrow as pa

    kinds = {"date": pa.date32(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    return pa.schema([(name, kinds.get(COLUMN_TYPES.get(name, ""), pa.string())) for name in COLUMNS])


def write_parquet(records: list[dict[str, Any]], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    for row in records:
        for name in COLUMNS:
            value = row[name]
            if COLUMN_TYPES.get(name) == "date" and value:
                value = date.fromisoformat(value)
            columns[name].append(value)
    pq.write_table(pa.table(columns, schema=arrow_schema()), path)


def export(records: list[dict[str, Any]], fmt: str, output: str | None) -> None:
    """Write rows as csv (to a file or stdout) or parquet (to a file)."""
    if fmt == "parquet":
        if not output or output == "-":
            raise ValueError("parquet needs an output file (--output PATH)")
        write_parquet(records, Path(output))
    elif output and output != "-":
        with open(output, "w", encoding="utf-8", newline="") as fh:
            write_csv(records, fh)
    else:
        write_csv(records, sys.stdout)
