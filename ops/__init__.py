"""Operations of the flask platform: `python -m ops <command>` (bootstrap, validate, diff, docs).

Each command is one module with `add_arguments(parser)` and `run(args) -> int`; exit statuses
are the same for every command (see `ops.common`).
"""
