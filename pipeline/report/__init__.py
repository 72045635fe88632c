"""A report a person would rather look at than read: an overview across towns and one page per
town, with plotly charts (share quantified, flags by kind, satisfaction targets, project scores),
built from the analyst marts and written as static HTML that opens offline, in Chinese with the
English beside it.
"""

from pipeline.report.data import Marts, TownData, TownSummary, read_marts
from pipeline.report.html import INDEX, PLOTLY_JS, write_report
from pipeline.report.names import TOWNS_FOLDER, town_page_href, town_page_name

__all__ = [
    "INDEX",
    "PLOTLY_JS",
    "TOWNS_FOLDER",
    "Marts",
    "TownData",
    "TownSummary",
    "read_marts",
    "town_page_href",
    "town_page_name",
    "write_report",
]
