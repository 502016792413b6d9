"""One module per subcommand; each has `register(subparsers)` and sets `run` on its parser."""

from . import build, codes, consistency, export, render, repair, schema, sources, splits, studio, validate

COMMANDS = [validate, build, consistency, render, export, repair, schema, sources, splits, studio, codes]
