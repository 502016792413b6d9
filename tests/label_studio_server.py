"""A real Label Studio server for the tests: loopback only, sqlite in a temporary folder, a known user and key.

The server runs in its own process group, so that stopping it stops every process it started.
A cold start (database migrations) takes about a minute; one server serves the whole session.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

STARTUP_TIMEOUT = 240  # seconds; a cold start takes about 50 s on two cores
ADMIN_EMAIL = "maintainer@tradetalks.test"


@dataclass
class LabelStudioServer:
    url: str
    api_key: str = field(repr=False)
    password: str = field(repr=False)
    data_dir: Path
    process: subprocess.Popen
    log: Path

    def env(self, **extra: str) -> dict[str, str]:
        """The environment a `tradetalks studio` command reads the server's address and key from."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("LABEL_STUDIO_")}
        return {**env, "LABEL_STUDIO_URL": self.url, "LABEL_STUDIO_API_KEY": self.api_key, **extra}

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        shutil.rmtree(self.data_dir, ignore_errors=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVER_ENV = Path(__file__).resolve().parents[1] / ".venv-label-studio"
SERVER_REQUIREMENT = "label-studio>=1.20,<2"
INSTALL_TIMEOUT = 900  # seconds to make the server's environment on a fresh machine


def label_studio_executable() -> str:
    """The server's own environment: Label Studio pins numpy and pyarrow releases of its own, and installed
    beside the project it would change the versions the project is tested with. TRADETALKS_LABEL_STUDIO names
    an executable to use instead; otherwise .venv-label-studio/ is made on first use."""
    if given := os.environ.get("TRADETALKS_LABEL_STUDIO"):
        return given
    executable = SERVER_ENV / "bin" / "label-studio"
    if not executable.exists():
        subprocess.run([sys.executable, "-m", "venv", str(SERVER_ENV)], check=True)
        subprocess.run([str(SERVER_ENV / "bin" / "python"), "-m", "pip", "install", "-q", SERVER_REQUIREMENT],
                       check=True, timeout=INSTALL_TIMEOUT)
    return str(executable)


def start_arguments(port: int, email: str, password: str, api_key: str, data_dir: Path) -> list[str]:
    """`label-studio` arguments for a loopback server with a known user and key (CONTRIBUTING.md uses the same)."""
    return ["start", "--no-browser", "--host", "127.0.0.1", "--internal-host", "127.0.0.1", "-p", str(port),
            "--username", email, "--password", password,
            "--user-token", api_key, "--enable-legacy-api-token", "--data-dir", str(data_dir)]


def start_server() -> LabelStudioServer:
    data_dir = Path(tempfile.mkdtemp(prefix="tradetalks-label-studio-"))
    port = free_port()
    api_key = secrets.token_hex(20)
    password = secrets.token_hex(16)
    log = data_dir / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABEL_STUDIO_")}
    # USE_DEFAULT_BANNED_SUBNETS=false: the server may call an ML backend on loopback (it refuses
    # 127.0.0.0/8 by default, against requests forged to reach a server's own network)
    env.update(LABEL_STUDIO_BASE_DATA_DIR=str(data_dir), SENTRY_DSN="", FRONTEND_SENTRY_DSN="",
               COLLECT_ANALYTICS="false", LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK="true",
               USE_DEFAULT_BANNED_SUBNETS="false")
    command = [label_studio_executable(), *start_arguments(port, ADMIN_EMAIL, password, api_key, data_dir)]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env=env, cwd=data_dir, start_new_session=True)
    server = LabelStudioServer(f"http://127.0.0.1:{port}", api_key, password, data_dir, process, log)
    try:
        _wait_until_healthy(server)
    except BaseException:
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
        server.stop()
        raise RuntimeError(f"Label Studio did not start; the end of its log:\n{tail}") from None
    return server


def _wait_until_healthy(server: LabelStudioServer) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"label-studio exited with code {server.process.returncode}")
        try:
            with urllib.request.urlopen(server.url + "/health", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    raise TimeoutError(f"no answer from /health within {STARTUP_TIMEOUT} s")
