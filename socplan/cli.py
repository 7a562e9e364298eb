"""The `socplan` console script: Django's management commands with socplan's settings.

`socplan demo` is the one-command start for a fresh machine: migrate, load the demo region, create the
demo users, print the URL and logins, and run the development server.

socplan's own one-shot commands (imports, `evaluate`, `allocate`, `job run` …) start without Django's system
checks: the checks import every URL and view module (and with them numpy, pandas and scipy), which costs more
than most of these commands' own work, and they check the configuration of the web server, not of the command.
The commands that start a server or a worker (`demo`, `worker`) and Django's own (`runserver`, `migrate`,
`check` …) still run them; `socplan check` runs them on demand.
"""

import os
import sys

# Commands of socplan's apps that keep Django's system checks: they start the long-running web server or worker,
# where a configuration error must stop the start.
KEEP_CHECKS = {"demo", "worker"}


def _skip_checks(argv: list[str]) -> list[str]:
    """`argv` with `--skip-checks` added when the command is one of socplan's own one-shot commands."""
    if len(argv) < 2 or argv[1].startswith("-") or argv[1] in KEEP_CHECKS or "--skip-checks" in argv:
        return argv
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import get_commands, load_command_class

    try:
        django.setup()
    except ImproperlyConfigured:
        return argv  # Django's own handling reports it
    app = get_commands().get(argv[1])
    if app is None or not app.startswith("socplan."):
        return argv
    if not load_command_class(app, argv[1]).requires_system_checks:
        return argv  # the command declares none (and has no such option)
    return [*argv[:2], "--skip-checks", *argv[2:]]


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socplan.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "socplan"
    # `socplan import-territory` and `socplan import_territory` are the same command.
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(_skip_checks(argv))


if __name__ == "__main__":  # pragma: no cover
    main()
