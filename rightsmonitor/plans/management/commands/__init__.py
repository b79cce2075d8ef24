"""import_plan, export_plan: plan tables in and out of the register."""
