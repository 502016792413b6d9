"""The connection to a Label Studio server through label-studio-sdk, and the errors it turns into messages.

The server's URL and API key come from the environment (LABEL_STUDIO_URL,
LABEL_STUDIO_API_KEY) or from the command line (--url, --api-key-file). Neither is ever
put in a message or a file: errors name where the value came from, never the value.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

URL_VARIABLE = "LABEL_STUDIO_URL"
KEY_VARIABLE = "LABEL_STUDIO_API_KEY"
REQUEST_TIMEOUT = 60.0  # seconds for one request
EXPORT_TIMEOUT = 600.0  # seconds for the server to prepare an export
URL_SOURCE = f"--url or {URL_VARIABLE}"
KEY_SOURCE = f"--api-key-file or {KEY_VARIABLE}"


class StudioError(Exception):
    """A failure talking to Label Studio, with a message that is safe to show (no URL, no key)."""


@dataclass(frozen=True)
class Credentials:
    url: str = field(repr=False)
    api_key: str = field(repr=False)


def read_credentials(url: str | None = None, api_key_file: Path | None = None,
                     environ: dict[str, str] | None = None) -> Credentials:
    environ = os.environ if environ is None else environ
    url = url or environ.get(URL_VARIABLE)
    if not url:
        raise StudioError(f"no Label Studio server given: set {URL_VARIABLE} or pass --url "
                          "(for a local server, http://localhost:8080)")
    if api_key_file is not None:
        try:
            api_key = api_key_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as err:
            raise StudioError(f"{api_key_file}: cannot read the API key file: "
                              f"{getattr(err, 'strerror', None) or err.__class__.__name__}") from None
    else:
        api_key = environ.get(KEY_VARIABLE, "").strip()
    if not api_key:
        raise StudioError(f"no API key given: set {KEY_VARIABLE} or pass --api-key-file "
                          "(Label Studio shows the key under Account & Settings)")
    return Credentials(url.rstrip("/"), api_key)


@contextlib.contextmanager
def talking(action: str, project: int | None = None) -> Iterator[None]:
    """Turn whatever the SDK or the network raises while doing `action` into a StudioError."""
    import httpx
    from label_studio_sdk.core.api_error import ApiError

    try:
        yield
    except ApiError as err:
        raise StudioError(_api_message(action, err.status_code, err.body, project)) from None
    except httpx.ConnectError:
        raise StudioError(f"cannot connect to the Label Studio server ({URL_SOURCE}) to {action}: "
                          "is it running, and is the address right?") from None
    except httpx.TimeoutException:
        raise StudioError(f"the Label Studio server ({URL_SOURCE}) did not answer in time to {action}") from None
    except httpx.UnsupportedProtocol:
        raise StudioError(f"the server address ({URL_SOURCE}) must start with http:// or https://") from None
    except httpx.HTTPError as err:
        raise StudioError(f"the connection to the Label Studio server failed while trying to {action} "
                          f"({err.__class__.__name__})") from None
    except ValueError as err:  # an answer that is not the JSON Label Studio sends (pydantic, json)
        raise StudioError(f"the server ({URL_SOURCE}) gave an answer that is not Label Studio's while trying "
                          f"to {action} ({err.__class__.__name__}); is the address that of a Label Studio "
                          "server?") from None


def _api_message(action: str, status: int | None, body: object, project: int | None) -> str:
    if status == 401:
        return (f"the Label Studio server refused the API key ({KEY_SOURCE}) when trying to {action}: "
                "copy it again from Account & Settings (a legacy token works only when the server runs "
                "with --enable-legacy-api-token)")
    if status == 403:
        return f"the API key's user may not {action}"
    if status == 404 and project is not None:
        return f"there is no project {project} on the Label Studio server (or the API key's user cannot see it)"
    if status == 404:
        return f"the server ({URL_SOURCE}) has no Label Studio API to {action}; is it a Label Studio server?"
    detail = body.get("detail") if isinstance(body, dict) else None
    detail = f": {detail}" if isinstance(detail, str) and len(detail) < 300 else ""
    return f"the Label Studio server answered HTTP {status} when trying to {action}{detail}"


class Studio:
    """The few Label Studio operations TradeTalks needs, each failing with a StudioError."""

    def __init__(self, credentials: Credentials, timeout: float = REQUEST_TIMEOUT):
        from label_studio_sdk import LabelStudio

        self._client = LabelStudio(base_url=credentials.url, api_key=credentials.api_key, timeout=timeout)

    def check_access(self) -> None:
        with talking("check the API key"):
            self._client.users.whoami()

    def project_config(self, project: int) -> tuple[str, str]:
        """(title, labeling config) of a project."""
        with talking(f"read project {project}", project):
            found = self._client.projects.get(id=project)
        return found.title or "", found.label_config or ""

    def create_project(self, title: str, label_config: str) -> int:
        with talking("create a project"):
            return self._client.projects.create(title=title, label_config=label_config).id

    def task_data(self, project: int) -> Iterator[dict]:
        """The data of every task of a project."""
        with talking(f"list the tasks of project {project}", project):
            for task in self._client.tasks.list(project=project, page_size=500):
                yield dict(task.data or {})

    def import_tasks(self, project: int, tasks: list[dict]) -> int:
        """Import tasks (with their predictions); the number of tasks the server created."""
        with talking(f"import tasks into project {project}", project):
            answer = self._client.projects.import_tasks(id=project, request=tasks, return_task_ids=True)
        return answer.task_count or 0

    def export_tasks(self, project: int, poll: float = 0.5, timeout: float = EXPORT_TIMEOUT) -> bytes:
        """The project's JSON export of the tasks with at least one annotation that was not skipped."""
        with talking(f"export project {project}", project):
            export = self._client.projects.exports.create(
                id=project, title="tradetalks studio pull", task_filter_options={"annotated": "only"},
                # Predictions in full, as the export JSON Schema expects them (by default they are ids).
                serialization_options={"predictions": {"only_id": False}})
            deadline = time.monotonic() + timeout
            while export.status not in ("completed", "failed"):
                if time.monotonic() > deadline:
                    raise StudioError(f"the export of project {project} was not ready within {timeout:.0f} s")
                time.sleep(poll)
                export = self._client.projects.exports.get(id=project, export_pk=export.id)
            if export.status == "failed":
                raise StudioError(f"Label Studio could not export project {project} (the export failed on "
                                  "the server; its log says why)")
            return b"".join(self._client.projects.exports.download(id=project, export_pk=export.id,
                                                                   export_type="JSON"))
