"""Spreadsheet exports of the admin's reports (Wagtail's CSV/XLSX), safe to open and read."""

import codecs
import csv
import datetime
import re

from django.utils import timezone
from wagtail.admin.views.mixins import Echo, ExcelDateFormatter
from wagtail.admin.views.reports import ReportView

# What a spreadsheet takes for the start of a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What Excel refuses in a sheet's name, and its longest name.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
SHEET_NAME_LENGTH = 31


def sheet_name(title):
    """A sheet name Excel takes: no ``[]:*?/\\``, at most 31 characters, no apostrophe
    at either end."""
    name = SHEET_NAME_FORBIDDEN.sub(" ", str(title))
    name = " ".join(name.split())[:SHEET_NAME_LENGTH].strip(" '")
    return name or "Report"


class FormulaSafeExportMixin:
    """For report views: every heading and every cell is written as the text it is.

    Text that a spreadsheet would run as a formula, such as an officer's name or an
    assessment's title typed as ``=HYPERLINK(...)``, goes into the CSV with a leading
    apostrophe and into the XLSX as a text cell, so it shows as typed. Times are the
    admin's local time (ISO 8601 with the offset in the CSV); the CSV starts with a
    UTF-8 byte order mark, so that Excel reads "João" as written; the XLSX sheet is named
    after the report.
    """

    def preprocess_field_value(self, field, value, export_format):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
            if export_format == self.FORMAT_CSV:
                return value.isoformat(timespec="seconds")
            # Excel has no time zones: the cell holds the local time the admin shows.
            return timezone.make_naive(value)
        value = super().preprocess_field_value(field, value, export_format)
        return self.as_text(value, export_format)

    def as_text(self, value, export_format):
        """``value`` as a CSV or XLSX cell shows it, never as a formula."""
        is_text = isinstance(value, str)
        if export_format == self.FORMAT_CSV and is_text and value.startswith(FORMULA_STARTS):
            return "'" + value
        return value

    def stream_csv(self, queryset):
        yield codecs.BOM_UTF8
        writer = csv.DictWriter(Echo(), fieldnames=self.list_export)
        yield writer.writerow(
            {
                field: self.as_text(self.get_heading(queryset, field), self.FORMAT_CSV)
                for field in self.list_export
            }
        )
        for item in queryset:
            yield self.write_csv_row(writer, self.to_row_dict(item))

    def write_xlsx(self, queryset, output):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        workbook = Workbook(write_only=True, iso_dates=True)
        worksheet = workbook.create_sheet(title=sheet_name(self.get_page_title()))
        headings = []
        for field in self.list_export:
            cell = WriteOnlyCell(worksheet, self.get_heading(queryset, field))
            cell.data_type = "s"  # openpyxl would take a heading starting with "=" as a formula
            headings.append(cell)
        worksheet.append(headings)
        date_format = ExcelDateFormatter().get()
        for item in queryset:
            worksheet.append(
                self.generate_xlsx_row(worksheet, self.to_row_dict(item), date_format=date_format)
            )
        workbook.save(output)


class AcademyReportView(FormulaSafeExportMixin, ReportView):
    """Wagtail's report view, for every report of the project: its exports are safe."""
