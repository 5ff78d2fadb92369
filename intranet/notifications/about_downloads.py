"""Who is told what about background exports: the person who asked, with the link, once it is written."""

from flask_babel import gettext as _

from intranet import events, exporting
from intranet.downloads.events import ExportFileReady
from intranet.notifications.kinds import NotificationKind
from intranet.notifications.recipients import person
from intranet.notifications.service import link_to, notify
from intranet.templating import format_moment


@events.subscribe(ExportFileReady)
def tell_the_person_who_asked(event: ExportFileReady) -> None:
    export_file = event.export_file
    export = exporting.by_name(export_file.export_name)
    name, kept_until = export_file.file_name, export_file.expires_at
    notify(
        person(event.owner_id),
        NotificationKind.EXPORT_READY,
        link_to("downloads.fetch", export_file_id=export_file.id),
        lambda: (
            _("Your file is ready: %(list)s", list=export.title),
            _("%(name)s, kept for you until %(time)s.", name=name, time=format_moment(kept_until)),
        ),
        dedup_key=f"export-ready:{export_file.id}",
    )
