"""Catalogue import from CSV or XLSX: every row checked, every bad row reported, nothing saved unless all are good."""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import insert, select, update

from intranet.auth.permissions import ensure
from intranet.errors import Invalid
from intranet.extensions import db
from intranet.parts.models import Part
from intranet.parts.quantities import parse_quantity

COLUMNS = ["code", "name", "specification", "unit", "whole_units", "price", "min_stock", "compatible_models"]
REQUIRED = {"code", "name"}
# Headers people write, in either language, for each column.
HEADER_ALIASES = {
    "code": "code", "编码": "code", "配件编码": "code", "编号": "code",
    "name": "name", "名称": "name", "配件名称": "name",
    "specification": "specification", "规格": "specification", "规格型号": "specification",
    "unit": "unit", "单位": "unit",
    "whole_units": "whole_units", "整数": "whole_units", "按整数计": "whole_units",
    "price": "price", "单价": "price", "价格": "price",
    "min_stock": "min_stock", "最低库存": "min_stock", "库存下限": "min_stock",
    "compatible_models": "compatible_models", "适用机型": "compatible_models",
}  # fmt: skip
MAX_ROWS = 50_000
TRUE = {"1", "y", "yes", "true", "是", "x"}
FALSE = {"", "0", "n", "no", "false", "否"}


@dataclass
class Row:
    number: int  # the line in the file, header = 1, as a spreadsheet shows it
    values: dict
    errors: list[str] = field(default_factory=list)


@dataclass
class Preview:
    rows: list[Row]
    file_errors: list[str] = field(default_factory=list)

    @property
    def bad_rows(self) -> list[Row]:
        return [row for row in self.rows if row.errors]

    @property
    def clean(self) -> bool:
        return not self.file_errors and not self.bad_rows and bool(self.rows)


def _read_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Invalid(_("The file is neither UTF-8 nor GB18030 text."))
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file; all mean the same to the user
        raise Invalid(_("This is not a readable Excel (.xlsx) file.")) from None
    sheet = workbook.worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(["" if cell is None else str(cell) for cell in row])
    workbook.close()
    return rows


def read_table(data: bytes, filename: str) -> list[list[str]]:
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    return _read_csv(data)


def _check(row: Row, seen: dict[str, int]) -> None:
    values = row.values
    code = values["code"].strip().upper()
    values["code"] = code
    if not code:
        row.errors.append(_("The code is missing."))
    elif len(code) > 40:
        row.errors.append(_("The code is longer than 40 characters."))
    elif code in seen:
        row.errors.append(_("The code %(code)s is already on line %(n)d.", code=code, n=seen[code]))
    else:
        seen[code] = row.number
    if not values["name"].strip():
        row.errors.append(_("The name is missing."))
    for name, limit in (("name", 120), ("specification", 200), ("unit", 20)):
        values[name] = values[name].strip()
        if len(values[name]) > limit:
            row.errors.append(_("%(column)s is longer than %(n)d characters.", column=name, n=limit))
    whole = values["whole_units"].strip().lower()
    if whole in TRUE:
        values["whole_units"] = True
    elif whole in FALSE:
        values["whole_units"] = whole == ""  # an empty cell: counted in whole units, the usual case
    else:
        row.errors.append(_("whole_units must be yes or no, not %(value)s.", value=values["whole_units"][:20]))
    for name in ("price", "min_stock"):
        raw = values[name].strip() or "0"
        number = parse_quantity(raw)
        if number is None:
            row.errors.append(_("%(column)s is not a number: %(value)s.", column=name, value=raw[:20]))
        elif number < 0:
            row.errors.append(_("%(column)s cannot be negative.", column=name))
        elif number > Decimal("99999999"):
            row.errors.append(_("%(column)s is too large.", column=name))
        else:
            values[name] = number
    if not row.errors and values["whole_units"] is True and values["min_stock"] != int(values["min_stock"]):
        row.errors.append(_("The minimum of a part counted in whole units is a whole number."))
    values["compatible_models"] = "\n".join(m.strip() for m in values["compatible_models"].split(";") if m.strip())


def preview(data: bytes, filename: str) -> Preview:
    """Read and check the whole file; nothing is written."""
    table = [row for row in read_table(data, filename) if any(cell.strip() for cell in row)]
    if not table:
        return Preview(rows=[], file_errors=[_("The file is empty.")])
    header = [HEADER_ALIASES.get(cell.strip().lower(), HEADER_ALIASES.get(cell.strip())) for cell in table[0]]
    missing = REQUIRED - set(header)
    if missing:
        return Preview(
            rows=[],
            file_errors=[
                _("The first line must name the columns; missing: %(names)s.", names=", ".join(sorted(missing)))
            ],
        )
    if len(table) - 1 > MAX_ROWS:
        return Preview(rows=[], file_errors=[_("At most %(n)d rows per file.", n=MAX_ROWS)])
    rows, seen = [], {}
    for number, cells in enumerate(table[1:], start=2):
        values = dict.fromkeys(COLUMNS, "")
        for column, cell in zip(header, cells, strict=False):
            if column:
                values[column] = cell
        row = Row(number=number, values=values)
        _check(row, seen)
        rows.append(row)
    if not rows:
        return Preview(rows=[], file_errors=[_("The file has a header but no rows.")])
    return Preview(rows=rows)


def import_parts(actor, data: bytes, filename: str) -> tuple[int, int]:
    """Import a clean file: new codes are added, known codes updated. Returns (added, updated)."""
    ensure(actor, "parts.manage")
    checked = preview(data, filename)
    if not checked.clean:
        raise Invalid(_("The file has errors; nothing was imported."))
    existing = dict(db.session.execute(select(Part.code, Part.id)).all())
    new_rows, changed = [], []
    for row in checked.rows:
        values = {name: row.values[name] for name in COLUMNS}
        if row.values["code"] in existing:
            changed.append({"id": existing[row.values["code"]], **values})
        else:
            new_rows.append({**values, "active": True})
    # Bulk statements: 10,000 rows in one round trip each instead of 10,000 ORM objects.
    if new_rows:
        db.session.execute(insert(Part), new_rows)
    if changed:
        db.session.execute(update(Part), changed)
    db.session.flush()
    return len(new_rows), len(changed)
