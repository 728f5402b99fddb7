"""The supervisor's parts that need no servers: busy ports, logs appended, redacted and rotated,
and a crashed process restarted with back-off."""

from __future__ import annotations

import socket
import sys
import time

import pytest

from actions.processes.launcher import running
from actions.processes.supervisor import (
    PortBusyError,
    RotatingLog,
    Service,
    Supervisor,
    port_free,
    require_free,
)
from tests.conftest import TEST_SECRET_KEY


def test_a_busy_port_is_refused_with_a_swedish_message(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert not port_free("127.0.0.1", port)
        with pytest.raises(PortBusyError, match=f"Porten {port} .* är redan upptagen"):
            require_free("kunskapstjänsten", "127.0.0.1", port)
        env = {"HOK_SECRET_KEY": TEST_SECRET_KEY}
        with pytest.raises(PortBusyError), running(sys.executable, 16497, port, env=env, log_dir=tmp_path):
            pass
    assert not (tmp_path / "knowledge.log").exists()  # nothing was started over the busy port


def test_logs_are_appended_redacted_and_rotated(tmp_path):
    path = tmp_path / "tjanst.log"
    path.write_text("från förra körningen\n", encoding="utf-8")
    log = RotatingLog(path, max_bytes=200, backups=2)
    log.write("frågan gällde 19850709-9805\n")
    assert (
        path.read_text(encoding="utf-8") == "från förra körningen\nfrågan gällde [personnummer borttaget]\n"
    )
    for n in range(40):
        log.write(f"rad {n:02d} " + "x" * 20 + "\n")
    log.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tjanst.log", "tjanst.log.1", "tjanst.log.2"]
    assert all(p.stat().st_size < 260 for p in tmp_path.iterdir())
    assert "rad 39" in path.read_text(encoding="utf-8")


def test_a_process_that_exits_is_restarted_with_growing_back_off(tmp_path):
    reports: list[str] = []
    supervisor = Supervisor(reports.append, poll_seconds=0.05)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = "import sys; print('igång', flush=True); sys.exit(3)"
    log = RotatingLog(tmp_path / "kort.log")
    crashing = supervisor.add(Service("testtjänsten", [sys.executable, "-c", code], tmp_path, {}, log, port))
    supervisor.watch()
    deadline = time.monotonic() + 20
    while crashing.restarts < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    supervisor.stop()
    assert crashing.restarts >= 2
    assert reports[:2] == [
        "testtjänsten stannade (kod 3); startas om om 1 s.",
        "testtjänsten startades om (gång 1).",
    ]
    assert "startas om om 2 s." in reports[2]  # the back-off doubles
    text = (tmp_path / "kort.log").read_text(encoding="utf-8")
    assert text.count("start: testtjänsten") >= 3 and text.count("igång") >= 2  # one log, appended
