"""Start-up: `smr --help` and `smr check` never import the heavy libraries (`smr check` opens
photos with Pillow only when it has not seen them before)."""

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO

HEAVY = ["boto3", "botocore", "feedgen", "PIL", "lxml", "markdown", "jinja2"]

PROBE = """
import json, sys
from generator.cli import main
try:
    main({args}, standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {heavy})))
"""


@pytest.mark.parametrize("args", [["--help"], ["check", "--root", str(REPO)], ["build", "--help"]])
def test_no_heavy_imports(args):
    if args[0] == "check":  # a first check opens each photo (Pillow); later ones reuse what it found
        subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, cwd=REPO, check=True)
    code = PROBE.format(args=args, heavy=set(HEAVY))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    assert loaded == []
