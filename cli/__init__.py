"""The Typer command line (python -m cli; ./baobao at the repository root)."""
