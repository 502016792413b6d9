"""A Label Studio ML backend: the same pre-annotations as `studio import --model`, for tasks a project gets
any other way (the Label Studio UI's import, say).

Label Studio calls the backend over HTTP: GET /health when it connects, POST /setup for the
model's version, POST /predict with a list of tasks to get one prediction per task (in the
same order), and may POST /webhook and others, which are answered with an empty object. The
server is the standard library's threading HTTP server: the protocol is four JSON endpoints,
and the model does the work.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .prelabel import ModelPredictor

MAX_REQUEST = 64 * 1024 * 1024  # bytes: a predict request carries its tasks' texts


def serve(predictor: ModelPredictor, host: str, port: int) -> ThreadingHTTPServer:
    """A server bound to (host, port) answering Label Studio's calls with `predictor`; call serve_forever()."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.rstrip("/") == "/health":
                self._answer({"status": "UP", "model_class": "tradetalks", "model_version": predictor.model_version})
            else:
                self._answer({"error": f"no such endpoint: GET {self.path}"}, HTTPStatus.NOT_FOUND)

        def do_POST(self) -> None:
            try:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_REQUEST:
                    raise ValueError(f"request of {length} bytes; at most {MAX_REQUEST}")
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError as err:
                self._answer({"error": f"not a JSON request: {err}"}, HTTPStatus.BAD_REQUEST)
                return
            endpoint = self.path.rstrip("/")
            if endpoint == "/setup":
                self._answer({"model_version": predictor.model_version})
            elif endpoint == "/predict":
                tasks = body.get("tasks") if isinstance(body, dict) else None
                if not isinstance(tasks, list):
                    self._answer({"error": "a predict request has a list of tasks"}, HTTPStatus.BAD_REQUEST)
                    return
                self._answer({"results": [predictor.prediction(_text(task)) for task in tasks],
                              "model_version": predictor.model_version})
            else:
                self._answer({})  # webhooks and training are not this backend's work

        def _answer(self, body: dict, status: HTTPStatus = HTTPStatus.OK) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return ThreadingHTTPServer((host, port), Handler)


def _text(task: object) -> str:
    data = task.get("data") if isinstance(task, dict) else None
    text = data.get("text") if isinstance(data, dict) else None
    return text if isinstance(text, str) else ""
