"""`python -m generator` runs the statuspress CLI."""

from generator.cli import main

main()
