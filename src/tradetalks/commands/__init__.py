"""One module per subcommand; each has `register(subparsers)` and sets `run` on its parser."""

from . import build, codes, schema, splits, validate

COMMANDS = [validate, build, schema, splits, codes]
