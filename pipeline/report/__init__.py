"""A report a person would rather look at than read: an overview across towns and one page per
town, with plotly charts (share quantified, flags by kind, satisfaction targets, project scores),
built from the analyst marts and written as static HTML that opens offline.
"""

from pipeline.report.data import ReportData, TownData, read_report_data
from pipeline.report.html import INDEX, PLOTLY_JS, build_pages, town_page_name, write_report

__all__ = [
    "INDEX",
    "PLOTLY_JS",
    "ReportData",
    "TownData",
    "build_pages",
    "read_report_data",
    "town_page_name",
    "write_report",
]
