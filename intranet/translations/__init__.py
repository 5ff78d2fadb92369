"""Compiling the gettext catalogues (the .mo files are build output, not kept in git)."""

from pathlib import Path

CATALOGUE_DIR = Path(__file__).resolve().parent


def compile_catalogues() -> list[Path]:
    """Compile every messages.po whose .mo is missing or older; return the files written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted(CATALOGUE_DIR.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalogue)
        written.append(mo_path)
    return written
