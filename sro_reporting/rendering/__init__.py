"""Showing reports: the notebook-facing report API, sections, charts and the PDF renderer."""
