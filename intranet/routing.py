"""URL converters: an <int:...> in an address is an id a row can have, or one no row has.

A number past the largest id either database stores (/jobs/99999999999999999999999) must be "not
found", as any unknown id is, instead of reaching a query that SQLite cannot even run (a 500).
"""

from werkzeug.routing import IntegerConverter

from intranet.db_types import MAX_ID

NO_ROW = 0  # ids start at 1: the lookup of this one answers 404 like any unknown id


class IdConverter(IntegerConverter):
    """Werkzeug's int converter for ids: more than 19 digits never match, a larger 19-digit one means NO_ROW.

    Refusing in to_python would not do: Werkzeug then answers 405 when a GET route shares the address.
    """

    regex = r"\d{1,19}"

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= MAX_ID else NO_ROW


def register(app) -> None:
    """Before any route is added: every <int:...> of every module is an IdConverter."""
    app.url_map.converters["int"] = IdConverter
