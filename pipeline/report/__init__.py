"""A report a person would rather look at than read: an overview across towns and one page per
town, with plotly charts (share quantified, flags by kind, satisfaction targets, project scores),
built from the analyst marts and written as static HTML that opens offline.
"""

from pipeline.report.data import TownData, TownSummary, towns_of
from pipeline.report.html import INDEX, PLOTLY_JS, town_page_name, write_report

__all__ = [
    "INDEX",
    "PLOTLY_JS",
    "TownData",
    "TownSummary",
    "town_page_name",
    "towns_of",
    "write_report",
]
