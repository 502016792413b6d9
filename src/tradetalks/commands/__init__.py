"""One module per subcommand; each has `register(subparsers)` and sets `run` on its parser."""

from . import build, codes, export, render, repair, schema, sources, splits, studio, validate

COMMANDS = [validate, build, render, export, repair, schema, sources, splits, studio, codes]
