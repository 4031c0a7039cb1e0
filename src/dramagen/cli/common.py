"""What every ``dramagen`` command shares: the two consoles and the error mapping.

Errors a user can fix print one line (``error: …``) without a traceback and exit 2; :func:`run_app`
maps every exception the commands raise to that line and an exit code.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from ..core import config
from ..core.errors import DramagenError
from ..core.text import one_line

console = Console()
err_console = Console(stderr=True)


def click_errors() -> tuple[tuple, tuple, tuple]:
    """(exit, usage/click error, abort) exception types of click and of the click that typer vendors
    (typer >= 0.2x ships its own copy under ``typer._click``: click's own classes do not catch its errors)."""
    import click

    exits: list = [click.exceptions.Exit, typer.Exit]
    errors: list = [click.ClickException]
    aborts: list = [click.exceptions.Abort, typer.Abort]
    try:
        from typer._click import exceptions as vendored  # noqa: PLC0415

        errors.append(vendored.ClickException)
        for name, into in (("Exit", exits), ("Abort", aborts)):
            if hasattr(vendored, name):
                into.append(getattr(vendored, name))
    except ImportError:  # pragma: no cover - a typer that uses click itself
        pass
    return tuple(exits), tuple(errors), tuple(aborts)


def markup_line(text: object) -> str:
    """``text`` on one line, with rich markup escaped (a value like ``[/x]`` is shown, not parsed)."""
    return escape(one_line(text))


def fail(message: str, code: int) -> NoReturn:
    """Print ``error: MESSAGE`` (rich markup, already escaped) on one line to stderr and exit with ``code``."""
    err_console.print(f"[bold red]error:[/bold red] {message}", highlight=False, soft_wrap=True, markup=True)
    sys.exit(code)


def _usage_error(e) -> NoReturn:
    """A click usage error: `dramagen` or a group alone prints its help (exit 0), anything else one line (exit 2)."""
    ctx = getattr(e, "ctx", None)
    if type(e).__name__ == "NoArgsIsHelpError" and ctx is not None:  # `dramagen` / `dramagen batch` alone
        console.print(ctx.get_help(), highlight=False)
        sys.exit(0)
    hint = (f" (see: {markup_line(ctx.command_path)} --help)" if ctx is not None and getattr(ctx, "command_path", "")
            else "")
    fail(f"{markup_line(e.format_message())}{hint}", 2)


def run_app(app: typer.Typer, argv: list[str] | None = None) -> NoReturn:
    """Run ``app``, turning known errors into one line and exit code 2.

    Usage errors (an unknown option, a value of the wrong type) are one line too; anything
    unexpected is one line naming it with exit code 1 (``DRAMAGEN_DEBUG=1`` shows the
    traceback), never a traceback on the user's screen.
    """
    exits, click_errs, aborts = click_errors()
    try:
        rv = app(args=argv, standalone_mode=False)
    except DramagenError as e:
        fail(markup_line(e), e.exit_code)
    except exits as e:
        sys.exit(getattr(e, "exit_code", 0))
    except click_errs as e:
        _usage_error(e)
    except aborts:
        err_console.print("aborted")
        sys.exit(130)
    except OSError as e:  # the machine said no (a folder where a file goes, no space, no permission): one line
        where = f"{markup_line(e.filename)}: " if getattr(e, "filename", None) else ""
        fail(f"{where}{markup_line(e.strerror or e)}", 2)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - a bug: one line for the user, the traceback on demand
        if config.get_flag("DRAMAGEN_DEBUG"):
            raise
        fail(f"internal error ({type(e).__name__}: {markup_line(e)[:300]}); please report it "
             "(DRAMAGEN_DEBUG=1 shows the traceback)", 1)
    sys.exit(rv if isinstance(rv, int) else 0)
