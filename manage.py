#!/usr/bin/env python
"""Same as the `socplan` console script, for those used to manage.py."""
from socplan.cli import main

if __name__ == "__main__":
    main()
