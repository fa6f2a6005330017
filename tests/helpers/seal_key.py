"""The national team's seal key the tests use (the `key_file` fixture writes it to a file)."""

KEY = b"national-team-key-0123456789abcdef"
