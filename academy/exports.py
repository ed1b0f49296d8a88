"""Spreadsheet exports of the admin's reports (Wagtail's CSV/XLSX), safe to open."""

from wagtail.admin.views.reports import ReportView

# What a spreadsheet takes for the start of a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class FormulaSafeExportMixin:
    """For report views: text that a spreadsheet would run as a formula, such as an
    officer's name typed as ``=HYPERLINK(...)``, goes into the CSV with a leading
    apostrophe, so it shows as typed. Wagtail already stores such XLSX cells as text."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        is_text = isinstance(value, str)
        if export_format == self.FORMAT_CSV and is_text and value.startswith(FORMULA_STARTS):
            return "'" + value
        return value


class AcademyReportView(FormulaSafeExportMixin, ReportView):
    """Wagtail's report view, for every report of the project: its exports are safe."""
