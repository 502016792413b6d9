"""TradeTalks: check Label Studio exports of entities and relations, and build them into a Hugging Face dataset.

Each command does one step of the work: `validate` reports every problem of the exports,
`build` writes the dataset and its card, `studio` moves tasks and annotations between Label
Studio and the corpus, `render` draws a review page, `export` writes spaCy or CoNLL files.

Exit codes: 0 success, 1 the input has errors, 2 the command could not run
(bad arguments, unreadable scheme, unwritable output).
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from . import __version__
from .commands import COMMANDS
from .tuning import tune_process


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tradetalks", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--schema-dir", type=Path, default=None,
                        help="folder with scheme.yaml and the generated schema files (default: schema/)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    args = parser.parse_args(argv)
    if args.schema_dir is not None:
        args.schema_dir = args.schema_dir.resolve()
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("tradetalks: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1


def entry() -> int:
    """The console script: main() in a process tuned for large exports (see tuning). At exit every object
    still alive is frozen: the interpreter's last collection would walk them all, and none is needed."""
    tune_process()
    code = main()
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(entry())
