"""Reading the reference files; every error names the file and the line."""
from __future__ import annotations

import csv
from pathlib import Path


class ReferenceError(ValueError):
    """A reference or seed file is malformed; the message names file and line."""


class MissingReferenceError(ReferenceError, FileNotFoundError):
    """A reference folder lacks some of its files."""


def read_csv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV file (BOM allowed), values stripped; ``columns`` must be present."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise ReferenceError(f"{path}, line 1: missing column(s) {', '.join(missing)}")
            rows = []
            for row in reader:
                if None in row or any(row.get(c) is None for c in columns):
                    raise ReferenceError(
                        f"{path}, line {reader.line_num}: expected {len(reader.fieldnames or [])} "
                        "fields, found a different number")
                rows.append({k: (v or "").strip() for k, v in row.items()})
            return rows
    except OSError as exc:
        raise ReferenceError(f"{path}: cannot read ({exc.strerror})") from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ReferenceError(f"{path}: not a valid UTF-8 CSV file ({exc})") from exc
