"""Importers of the plan register: plan tables (XLSX, CSV) as governments publish them."""
