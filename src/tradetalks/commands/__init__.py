"""One module per subcommand; each has `register(subparsers)` and sets `run` on its parser."""

from . import build, codes, export, render, repair, schema, splits, validate

COMMANDS = [validate, build, render, export, repair, schema, splits, codes]
