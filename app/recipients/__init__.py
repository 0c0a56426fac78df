"""Recipients (宛先): residents and staff who receive alerts, and their CSV import/export."""

from app.recipients.csv_io import (
    ExportReport,
    ImportReport,
    MergedRows,
    RowError,
    RowIssue,
    RowWarning,
    export_recipients,
    import_recipients,
    load_sample_recipients,
)

__all__ = [
    "ExportReport",
    "ImportReport",
    "MergedRows",
    "RowError",
    "RowIssue",
    "RowWarning",
    "export_recipients",
    "import_recipients",
    "load_sample_recipients",
]
