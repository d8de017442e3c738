"""Every command documents itself with an example, as sqlite-utils' test_docs does."""

import pytest
from click.testing import CliRunner

from tidtam.cli import cli


def commands(group, prefix=()):
    for name, cmd in group.commands.items():
        yield (*prefix, name), cmd
        if hasattr(cmd, "commands"):
            yield from commands(cmd, (*prefix, name))


@pytest.mark.parametrize(("path", "cmd"), list(commands(cli)),
                         ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_command_has_help_with_an_example(path, cmd):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    if not hasattr(cmd, "commands"):
        assert "Example:" in result.output, f"tidtam {' '.join(path)} --help has no example"
