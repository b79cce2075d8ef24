"""Exporters of the plan register: plan tables (XLSX, CSV) in the published layout."""
