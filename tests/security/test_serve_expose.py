"""`crisiskit serve` shows the internal site (Q&A, drafts) on loopback only, unless told otherwise, loudly.

No request leaves loopback: the refusals happen before anything binds, and
the exposed case binds for the length of one (stubbed) build, then stops.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
import redteam as security

from crisiskit.cli.serve import is_loopback, serve

crisiskit = security.crisiskit


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return security.make_project(tmp_path / "project", approve=False)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "preview.example.com"])
def test_another_host_without_the_flag_is_refused_before_anything_is_built(project: Path, host: str) -> None:
    result = crisiskit(project, "serve", "--host", host, "--port", "0", timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    message = " ".join(result.stderr.split())
    assert (
        f"--host {host} would serve the internal site (Q&A, do-not-say lists, drafts, embargoed text) to the network"
        in message
        and "Add --expose-internal" in message
    )
    assert not (project / "site").exists() and not (project / "content/incidents").exists()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.1", False),
        ("localhost.example.com", False),
    ],
)
def test_only_loopback_counts_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def _serve_once(project: Path, host: str, expose: bool) -> tuple[list[str], int]:
    """Run serve with a build that records what was said so far, then stops it; (messages, port bound)."""
    stop = threading.Event()
    said: list[str] = []
    before_build: list[str] = []

    def rebuild() -> None:
        before_build.extend(said)
        stop.set()

    serve(project, host, 0, rebuild, said.append, expose=expose, stop=stop)
    port = int(said[-1].rsplit(":", 1)[1].split("/")[0])
    return before_build, port


def test_the_exposed_internal_site_is_announced_before_the_build(project: Path) -> None:
    before_build, port = _serve_once(project, "0.0.0.0", expose=True)
    assert before_build == [
        f"warning: serving the INTERNAL site (Q&A, do-not-say lists, drafts, embargoed and "
        f"unapproved text) to the network at http://0.0.0.0:{port}/: anyone who can reach this "
        f"machine can read it; stop with Ctrl+C"
    ]
    with socket.socket() as again:  # the server is closed when serve returns
        again.bind(("0.0.0.0", port))


def test_loopback_serves_without_a_warning(project: Path) -> None:
    before_build, port = _serve_once(project, "127.0.0.1", expose=False)
    assert before_build == [] and port > 0


def test_the_function_refuses_the_network_without_expose(project: Path) -> None:
    with pytest.raises(ValueError, match="not a loopback address"):
        serve(project, "0.0.0.0", 0, lambda: None, print)
