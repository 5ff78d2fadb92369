"""Catalogue import from CSV or XLSX: every row checked, every bad row reported, nothing saved unless all are good."""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import insert, select, update

from intranet.access.permissions import ensure
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
MAX_BLANK_ROWS = 10_000
MAX_COLUMNS = 30  # a catalogue has 8; the rest of a sheet's width is never read
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an .xlsx is a zip: its parts, unpacked, may not exceed this
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


def _too_many_rows() -> Invalid:
    return Invalid(_("At most %(n)d rows per file.", n=MAX_ROWS))


def _kept(rows, row_limit: int) -> list[list[str]]:
    """The non-empty rows, read one at a time and refused as soon as there are too many, or too many
    empty ones (a 1 kB sheet with a cell in its last row would otherwise be read as a million rows)."""
    kept, blank = [], 0
    for cells in rows:
        if "".join(cells).strip():
            kept.append(cells)
            if len(kept) > row_limit:
                raise _too_many_rows()
        else:
            blank += 1
            if blank > MAX_BLANK_ROWS:
                message = _("The file has more than %(n)d empty rows: delete them and save it again.", n=MAX_BLANK_ROWS)
                raise Invalid(message)
    return kept


def _read_csv(data: bytes, row_limit: int) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Invalid(_("The file is neither UTF-8 nor GB18030 text."))
    try:
        return _kept((row[:MAX_COLUMNS] for row in csv.reader(io.StringIO(text))), row_limit)
    except csv.Error:  # a field over the csv module's limit (128 kB), a NUL byte...
        raise Invalid(_("This CSV file cannot be read: check its quotes and its longest cell.")) from None


def _read_xlsx(data: bytes, row_limit: int) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise Invalid(_("This Excel file unpacks to more than %(n)d MB.", n=MAX_UNPACKED_BYTES // 2**20))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Invalid:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged file; all mean the same to the user
        raise Invalid(_("This is not a readable Excel (.xlsx) file.")) from None
    try:
        sheet = workbook.worksheets[0]
        # The size a sheet claims (its dimension) is not trusted: it can say A1:XFD1048576 for a 5 kB file,
        # and openpyxl pads every row up to it. Read the rows the file has, in the columns a catalogue uses.
        sheet.reset_dimensions()
        rows = (
            ["" if cell is None else str(cell) for cell in row]
            for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        )
        return _kept(rows, row_limit)
    except Invalid:
        raise
    except Exception:
        raise Invalid(_("This is not a readable Excel (.xlsx) file.")) from None
    finally:
        workbook.close()


def read_table(data: bytes, filename: str, row_limit: int = MAX_ROWS + 1) -> list[list[str]]:
    """The file's non-empty rows (the header among them), at most `row_limit` of them."""
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        return _read_xlsx(data, row_limit)
    return _read_csv(data, row_limit)


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
    table = read_table(data, filename)
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
