"""The `socplan` console script: Django's management commands with socplan's settings.

`socplan demo` is the one-command start for a fresh machine: migrate, load the demo region, create the
demo users, print the URL and logins, and run the development server.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socplan.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "socplan"
    # `socplan import-territory` and `socplan import_territory` are the same command.
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":  # pragma: no cover
    main()
