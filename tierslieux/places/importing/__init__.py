"""The import engine of the atlas (staff pages and `manage.py import_places` share it).

    reading    a CSV (any delimiter and usual encoding), XLSX, GeoJSON or JSON file → a table of texts
    fields     what a column may fill; headers recognised; list values (types, services…) read as codes
    formats    known layouts (the national "lieux de médiation numérique" schema)
    planning   every row read, located, matched against existing places, its merge computed: the preview
    services   start, map, plan, decide per row, commit (one transaction), cancel; the report (CSV)

Matching and the merge policy are the pure module `tierslieux.places.matching`; coordinates are read by
`tierslieux.geo.coordinates`, communes by `tierslieux.geo.resolution`.
"""

from .fields import IMPORT_FIELDS, LIST_FIELDS, check_mapping, guess_mapping, parse_mapping_args
from .formats import FORMATS, detect_format
from .reading import MAX_BYTES, MAX_ROWS, ImportFileError, Table, read_file
from .services import (
    ImportReport,
    place_import_cancel,
    place_import_commit,
    place_import_decide,
    place_import_prepare,
    place_import_set_mapping,
    place_import_set_values,
    place_import_start,
    report_csv,
    run_import,
    summary_text,
)

__all__ = [
    "FORMATS",
    "IMPORT_FIELDS",
    "LIST_FIELDS",
    "MAX_BYTES",
    "MAX_ROWS",
    "ImportFileError",
    "ImportReport",
    "Table",
    "check_mapping",
    "detect_format",
    "guess_mapping",
    "parse_mapping_args",
    "place_import_cancel",
    "place_import_commit",
    "place_import_decide",
    "place_import_prepare",
    "place_import_set_mapping",
    "place_import_set_values",
    "place_import_start",
    "read_file",
    "report_csv",
    "run_import",
    "summary_text",
]
