"""`tradetalks studio`: annotate in Label Studio — import texts to annotate, pull the finished annotations.

The server's address and API key come from LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY (or --url and
--api-key-file) and are never printed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .. import paths
from ..problems import Report
from ..reporting import summary, text_report
from ..studio import (ConfigMismatch, Corpus, Gazetteer, ImportRefused, ModelPredictor, ModelRefused, OnConflict,
                      PullInvalid, PullRefused, Studio, StudioError, import_plan, plan_import, pull, read_credentials,
                      read_label_config)
from ..studio.connection import KEY_VARIABLE, URL_VARIABLE
from ..validate import display_path
from .common import CommandError, default_exports, load_contract, run_safely

# Refusals that are about the input (exit 1), as opposed to a server that cannot be used (exit 2).
INPUT_ERRORS = (ImportRefused, ModelRefused, PullRefused)


def register(sub) -> None:
    parser = sub.add_parser("studio", help="import texts into Label Studio and pull the annotations back",
                            description=__doc__.splitlines()[0])
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    importing = actions.add_parser(
        "import", help="put texts (and corpus tasks to correct) into a Label Studio project",
        description="Create a Label Studio project with the labeling config of schema/ (or use --project) and "
                    "import one task per paragraph (non-empty line) of each text file, pre-annotated with every "
                    "entity string the corpus already has. --correct adds tasks of the corpus, pre-annotated "
                    "with their gold annotation.")
    importing.add_argument("texts", nargs="*", type=Path, metavar="TEXT", help="plain-text files (UTF-8)")
    target = importing.add_mutually_exclusive_group()
    target.add_argument("--project", type=int, help="import into this existing project")
    target.add_argument("--title", default="TradeTalks", help="title of the new project (default: TradeTalks)")
    importing.add_argument("--document-id", help="the document id of the one text file "
                                                 "(default: the first 16 hex digits of its sha256)")
    importing.add_argument("--source", help="data.source of the tasks (default: the file's name)")
    importing.add_argument("--correct", action="append", default=[], metavar="KEY",
                           help="a corpus task to correct: DOCUMENT_ID (all its paragraphs) or "
                                "DOCUMENT_ID/PARAGRAPH; repeat for more")
    importing.add_argument("--no-predictions", action="store_true",
                           help="no gazetteer pre-annotations (with --model: the model's alone)")
    importing.add_argument("--model", type=Path, metavar="DIR",
                           help="pre-annotate with this trained spaCy pipeline (its labels must be the scheme's), "
                                "combined with the gazetteer, with suggested relations and a confidence score")
    _common(importing)
    importing.set_defaults(run=run_safely(run_import))

    pulling = actions.add_parser(
        "pull", help="write a project's finished annotations into annotations/exports/",
        description="Export the project's annotated tasks through the Label Studio API, check them together "
                    "with the corpus as `tradetalks validate` does, and write them as a new export file. "
                    "Nothing is written when there is an error or a task is already in the corpus.")
    pulling.add_argument("--project", type=int, required=True, help="the Label Studio project id")
    pulling.add_argument("--name", help="file name of the new export (default: studio-project<ID>-<UTC time>.json)")
    settle = pulling.add_mutually_exclusive_group()
    settle.add_argument("--replace", action="store_true",
                        help="supersede corpus tasks with the same document id and paragraph: the new export has "
                             "them, and the exports that held them are written again without them")
    settle.add_argument("--skip-existing", action="store_true",
                        help="leave out tasks whose document id and paragraph are already in the corpus")
    _common(pulling)
    pulling.set_defaults(run=run_safely(run_pull))
    _register_backend(actions)


def _register_backend(actions) -> None:
    backend = actions.add_parser(
        "backend", help="serve a model's pre-annotations to Label Studio (an ML backend)",
        description="Serve Label Studio's ML backend protocol on HOST:PORT with a trained spaCy pipeline, so that "
                    "tasks a project gets from the Label Studio UI are pre-annotated as `studio import --model` "
                    "does. Connect it in the project's settings (Model, Connect Model, the URL printed here). "
                    "Stop it with Ctrl+C.")
    backend.add_argument("--model", type=Path, required=True, metavar="DIR", help="a trained spaCy pipeline")
    backend.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    backend.add_argument("--port", type=int, default=9090, help="port to listen on (default: 9090)")
    backend.add_argument("--exports", type=Path, default=None, metavar="DIR",
                         help="the corpus' exports, for the gazetteer (default: annotations/exports/)")
    backend.set_defaults(run=run_safely(run_backend))


def run_backend(args) -> int:
    from ..studio.backend import serve

    scheme, export_schema = load_contract(args.schema_dir)
    corpus = Corpus.load(args.exports or default_exports(), scheme, export_schema)
    try:
        predictor = ModelPredictor(args.model, scheme, Gazetteer.from_documents(corpus.documents, scheme))
    except ModelRefused as err:
        return _failed(args, err)
    try:
        server = serve(predictor, args.host, args.port)
    except OSError as err:
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {err.strerror or err}") from None
    print(f"serving {predictor.model_version} at http://{args.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _common(parser) -> None:
    parser.add_argument("--exports", type=Path, default=None, metavar="DIR",
                        help="the corpus' exports (default: annotations/exports/)")
    parser.add_argument("--url", help=f"the Label Studio server (default: ${URL_VARIABLE})")
    parser.add_argument("--api-key-file", type=Path, metavar="FILE",
                        help=f"a file holding the API key (default: ${KEY_VARIABLE})")


def run_import(args) -> int:
    scheme, export_schema = load_contract(args.schema_dir)
    schema_dir = args.schema_dir or paths.schema_dir()
    corpus = Corpus.load(args.exports or default_exports(), scheme, export_schema)
    try:
        label_config = read_label_config(schema_dir, scheme)
        plan = plan_import(corpus, scheme, args.texts, args.document_id, args.source, args.correct,
                           predictions=not args.no_predictions, model=args.model)
        result = import_plan(_connect(args), plan, scheme, args.project, args.title, label_config)
    except StudioError as err:
        return _failed(args, err)
    if result.created:
        print(f"created project {result.project} ({args.title}) with the labeling config of "
              f"{display_path(schema_dir / 'labeling_config.xml')}")
    documents: dict[str, list] = {}
    for paragraph in plan.paragraphs:
        documents.setdefault(paragraph.document_id, []).append(paragraph)
    for document_id, paragraphs in documents.items():
        print(f"  document {document_id}: {len(paragraphs)} paragraph(s) from {paragraphs[0].source}")
    if plan.corrections:
        print(f"  {len(plan.corrections)} task(s) of the corpus to correct, pre-annotated with their gold annotation")
    if plan.model is not None:
        combined = ", then the gazetteer's where they overlap none" if plan.gazetteer is not None else ""
        print(f"  pre-annotations: {plan.model.model_version} (the model's entities{combined}; relations suggested "
              f"by rules; score = mean entity confidence)")
    elif plan.gazetteer is not None:
        print(f"  pre-annotations: {plan.gazetteer.model_version} ({len(plan.gazetteer)} entity strings "
              f"from the corpus)")
    print(f"imported {result.imported} task(s) into project {result.project}, {result.predicted} pre-annotated")
    print(f"annotate them in Label Studio, then: tradetalks studio pull --project {result.project}")
    return 0


def run_pull(args) -> int:
    scheme, export_schema = load_contract(args.schema_dir)
    folder = args.exports or default_exports()
    if args.name is not None and (Path(args.name).name != args.name or not args.name.endswith(".json")):
        raise CommandError(f"--name {args.name}: a file name ending in .json, without folders")
    output = folder / args.name if args.name else None
    mode = OnConflict.REPLACE if args.replace else OnConflict.SKIP if args.skip_existing else OnConflict.REFUSE
    corpus = Corpus.load(folder, scheme, export_schema)
    try:
        result = pull(_connect(args), args.project, corpus, scheme, export_schema, output, mode)
    except StudioError as err:
        return _failed(args, err)
    except OSError as err:
        raise CommandError(f"E601 output-unwritable: {display_path(folder)}: {err.strerror or err}") from None
    plan = result.plan
    if result.report.problems:
        text_report(result.report, sys.stderr)
    for conflict in plan.conflicts:
        where = f"task {conflict.task_id} of {display_path(conflict.file)}"
        if mode is OnConflict.REPLACE:
            print(f"  {conflict.key}: supersedes {where}")
        else:
            print(f"  {conflict.key}: left out, already {where}")
    for path, kept in plan.rewrites.items():
        if kept:
            print(f"  wrote {display_path(path)} again without the superseded task(s): {len(kept)} task(s) left")
        else:
            print(f"  removed {display_path(path)}: every task in it is superseded")
    print(f"wrote {display_path(plan.output)}: {len(plan.tasks)} task(s), {result.annotations} annotation(s) "
          f"by {result.annotators} annotator(s) from project {plan.project}; corpus {summary(result.report)}")
    return 0


def _connect(args) -> Studio:
    credentials = read_credentials(args.url, args.api_key_file)
    try:
        return Studio(credentials)
    except ImportError:
        raise StudioError('label-studio-sdk is not installed: pip install -e ".[studio]"') from None


def _failed(args, err: StudioError) -> int:
    prefix = f"tradetalks studio {args.action}"
    if isinstance(err, PullInvalid):
        text_report(err.report, sys.stderr)
    if isinstance(err, ConfigMismatch):
        text_report(Report(problems=err.problems, files=1), sys.stderr)
    message = str(err)
    if args.action == "pull" and "nothing written" not in message:
        message += " Nothing written." if message.endswith(("?", ".")) else ". Nothing written."
    print(f"{prefix}: {message}", file=sys.stderr)
    return 1 if isinstance(err, INPUT_ERRORS + (PullInvalid,)) else 2
