"""Management commands of the plan register."""
