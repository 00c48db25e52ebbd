"""`python -m integration.cli`: the returnkit command."""
import sys

from integration.cli import main

sys.exit(main())
