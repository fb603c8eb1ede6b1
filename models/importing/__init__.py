"""Bring customers in from other systems' exports (and our own JSON export).

``reading`` turns a file into ``ImportRecord``s (one module per format), ``planning`` decides
for each whether it adds, updates or is skipped and why, and ``applying`` writes the plan in one
transaction. Nothing here imports Qt; the GUI wizard and ``vre-desktop import`` share it all.
"""

from models.importing.applying import (
    ImportCancelled,
    ImportReport,
    import_parsed,
    preview_import,
)
from models.importing.planning import ImportPlan, PlannedRow, plan_import
from models.importing.reading import (
    FORMATS,
    ImportFileError,
    detect_format,
    read_bytes,
    read_file,
)
from models.importing.records import ImportedNote, ImportRecord, ParsedFile, SkippedRow

__all__ = [
    "FORMATS",
    "ImportCancelled",
    "ImportFileError",
    "ImportPlan",
    "ImportRecord",
    "ImportReport",
    "ImportedNote",
    "ParsedFile",
    "PlannedRow",
    "SkippedRow",
    "detect_format",
    "import_parsed",
    "plan_import",
    "preview_import",
    "read_bytes",
    "read_file",
]
