import sys

from vre_desktop.cli import main

sys.exit(main())
