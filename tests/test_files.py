"""generator/files.py: the lock two smr processes share (real processes, real lock files)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from generator.files import LockTimeout, file_lock

HOLDER = textwrap.dedent("""\
    import sys
    sys.path.insert(0, sys.argv[2])
    from generator.files import file_lock
    with file_lock(sys.argv[1]):
        print("held", flush=True)
        sys.stdin.read()          # hold it until the test closes our stdin
""")


@pytest.fixture
def holder(tmp_path):
    """Another process holding the lock until the test lets go."""
    from tests.conftest import REPO

    lock = tmp_path / "x.lock"
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock), str(REPO)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "held\n"
    yield lock, proc
    proc.stdin.close()
    proc.wait(10)


def test_a_held_lock_makes_others_wait_and_can_time_out(holder):
    lock, proc = holder
    waited = []
    with pytest.raises(LockTimeout):
        with file_lock(lock, timeout=0.3, on_wait=lambda: waited.append(1)):
            pytest.fail("got a lock another process holds")
    assert waited == [1]
    proc.stdin.close()
    proc.wait(10)
    with file_lock(lock, timeout=5, on_wait=lambda: waited.append(2)) as locked:
        assert locked is True
    assert waited == [1], "a free lock is taken without waiting"


def test_a_killed_holder_releases_the_lock(holder):
    lock, proc = holder
    proc.kill()
    proc.wait(10)
    with file_lock(lock, timeout=5) as locked:
        assert locked


def test_an_unwritable_place_yields_false(tmp_path):
    (tmp_path / "file").write_text("x")
    with file_lock(tmp_path / "file" / "x.lock") as locked:
        assert locked is False
