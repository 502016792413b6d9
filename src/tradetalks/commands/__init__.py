"""One module per subcommand; each has `register(subparsers)` and sets `run` on its parser."""

from . import build, codes, render, repair, schema, splits, validate

COMMANDS = [validate, build, render, repair, schema, splits, codes]
