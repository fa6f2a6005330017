"""The command line: typer apps that parse arguments, call the core and render with rich."""
