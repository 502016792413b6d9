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
from .parallel import COLLECTOR_THRESHOLDS


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
    """The console script: main() with the cyclic garbage collector run less often, then the heap is left to
    the operating system. A command imports and keeps hundreds of thousands of objects that form few
    cycles, and with the default thresholds the collector walked them all again and again (a third of a
    second of a build's start). The interpreter's last garbage collection at exit would walk every object
    still alive (most of a second after a large build); frozen objects are not walked, and nothing of them
    is needed any more."""
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    code = main()
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(entry())
