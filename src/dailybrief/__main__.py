"""`python -m dailybrief` runs the command line."""

from .cli import main

main()
