"""`python -m generator`: the same as the `smr` command."""

from generator.cli import main

main(prog_name="smr")
