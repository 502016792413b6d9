"""One module per subcommand; each has `register(subparsers)` and sets `run` on its parser."""

from . import build, codes, render, schema, splits, validate

COMMANDS = [validate, build, render, schema, splits, codes]
