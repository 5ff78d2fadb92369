"""Files that have hurt import and upload code elsewhere: bombs, odd encodings, numbers no one can store."""

import io
import json
import zipfile

from tests.conftest import image_bytes


def xlsx_with_a_huge_dimension() -> bytes:
    """A tiny workbook whose sheet claims to span A1:XFD1048576 (a reader that trusts it pads for ever)."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>code</t>'
        '</is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c></row><row r="1048576"><c r="XFD1048576" '
        't="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>'
    )
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
        'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def _checklist(**overrides) -> bytes:
    data = {
        "format": "intranet.inspection-template/1",
        "code": "HOSTILE-IMPORT",
        "title": "x",
        "sections": [{"title": "s", "max_points": "10", "items": [{"kind": "pass_fail", "text": "t", "points": "1"}]}],
    }
    data.update(overrides)
    return json.dumps(data).encode()


def _pixel_bomb() -> bytes:
    """A PNG that is small on disk and claims 30,000 × 30,000 pixels."""
    png = image_bytes((1, 1), "PNG")
    return png[:16] + (30000).to_bytes(4, "big") + (30000).to_bytes(4, "big") + png[24:]


HOSTILE_FILES = {
    "empty.csv": b"",
    "wide-field.csv": b"code,name\nA1," + b"x" * 200_000 + b"\n",
    "not-utf8.csv": b"code,name\n\xff\xfe\x00\x01,\x80\x81\n",
    "dimension.xlsx": xlsx_with_a_huge_dimension(),
    "not-a-zip.xlsx": b"PK\x03\x04 broken",
    "5000-digits.json": _checklist(sections=[{"title": "s", "max_points": "9" * 5000, "items": []}]),
    "5000-digit-int.json": b'{"format": "intranet.inspection-template/1", "code": ' + b"9" * 5000 + b"}",
    "deep.json": b"[" * 100_000 + b"]" * 100_000,
    "deep.yaml": b"a: " + b"[" * 50_000 + b"]" * 50_000,
    "billion-laughs.yaml": b'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
    b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    b"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n",
    "pixels.png": _pixel_bomb(),
    "script.jpg": b"<script>alert(1)</script>",
}
