"""The dashboard is this list of figure providers, in the order it shows them.

A provider is a function (DashboardQuery) -> Section | None, written by the feature whose figures
it computes (jobs/figures.py, ...).
"""

from intranet.frontdesk.figures import desk_section
from intranet.inspections.figures import inspections_section, rectifications_section
from intranet.jobs.callback_figures import callbacks_section, dissatisfied_section, satisfaction_index_section
from intranet.jobs.figures import customers_section, jobs_section
from intranet.kb.figures import manual_section
from intranet.parts.figures import parts_section

PROVIDERS = [jobs_section, customers_section, desk_section, inspections_section, parts_section, manual_section]

# The printable reports: which providers each holds, and the period it opens on.
REPORTS = {
    # 回访顾客周报表, 不满意汇总表 and the quarterly satisfaction index (CSI) of the period's quarter.
    "callbacks": ("week", [callbacks_section, dissatisfied_section, satisfaction_index_section]),
    "operations": ("month", [jobs_section, customers_section, desk_section, parts_section, manual_section]),
    "inspections": ("quarter", [inspections_section, rectifications_section]),
}


def sections(query, providers=PROVIDERS) -> list:
    return [section for provider in providers if (section := provider(query)) is not None]
