"""What happens to a background export that other modules (notifications) react to."""

from dataclasses import dataclass

from intranet.downloads.models import ExportFile


@dataclass(frozen=True)
class ExportFileReady:
    """Written and kept for its owner until export_file.expires_at."""

    export_file: ExportFile
    owner_id: int
