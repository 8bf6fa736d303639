"""The bundle's entry point: the same command line as the `moodplayer` script."""

import sys

from moodplayer.cli import main

if __name__ == "__main__":
    sys.exit(main())
