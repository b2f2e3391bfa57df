from tests.conftest import REPO


def test_example_newsroom_builds(tmp_path):
    from generator.cli import main
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["build", "--root", str(REPO), "-o", str(tmp_path / "site"),
                                       "--now", "2026-11-25T10:00+01:00"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "2026-11-24-webcare-team" / "index.html").is_file()
