"""Click commands whose `--help` comes from toolkit/cli_help.py, in the command line's language.

The language is chosen once per run in `HelpGroup.main` (the initiative's, else the user's) and read at
format time: summaries, option and argument help, metavars, headings ("Options :" with the French space)
and examples. Click's own words go through toolkit/cli_click.py."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from .cli_click import gettext
from .cli_help import HEADINGS, command_help, metavar, param_help
from .cli_language import chosen_language, cli_language, detect_language, speaking


class HelpFormatter(click.HelpFormatter):
    """Headings end with " :" in French, ":" in English."""

    def write_heading(self, heading: str) -> None:
        colon = " :" if cli_language() == "fr" else ":"
        self.write(f"{'':>{self.current_indent}}{heading}{colon}\n")


class HelpContext(click.Context):
    formatter_class = HelpFormatter


def param_key(param: click.Parameter) -> str:
    """How cli_help.py names a parameter: an option by its (first) long flag, an argument by its name."""
    if isinstance(param, click.Option):
        flags = [o for o in param.opts if o.startswith("--")]
        return flags[0] if flags else param.opts[0]
    return param.name or ""


class HelpCommand(click.Command):
    """A command whose help text, parameters' help and examples come from the catalogue."""

    context_class = HelpContext
    help_key = ""  # its path below `toolkit` ("template new"), set when a HelpGroup adds it

    def param_text(self, param: click.Parameter) -> str:
        """The parameter's help in the run's language (its click `help` only when the catalogue lacks it)."""
        text = param_help(self.help_key, param_key(param))
        return text(cli_language()) if text else (getattr(param, "help", None) or "")

    def get_short_help_str(self, limit: int = 45) -> str:
        """The summary up to its first colon, parenthesis or semicolon: one or two lines in a list."""
        entry = command_help(self.help_key)
        if entry is None:
            return super().get_short_help_str(limit)
        short = re.split(r"\s?[:(;]", entry.summary(cli_language()), maxsplit=1)[0].strip().rstrip(".")
        return f"{short}."

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Usage, text, arguments, options, examples: the same on every click version."""
        self.format_usage(ctx, formatter)
        self.format_help_text(ctx, formatter)
        self.format_arguments(ctx, formatter)
        self.format_options(ctx, formatter)
        self.format_epilog(ctx, formatter)

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        entry = command_help(self.help_key)
        if entry is None:
            super().format_help_text(ctx, formatter)
            return
        language = cli_language()
        text = entry.summary(language) + (f"\n\n{entry.details(language)}" if entry.details else "")
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(text)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return [metavar(piece, cli_language()) for piece in super().collect_usage_pieces(ctx)]

    def format_arguments(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        language = cli_language()
        rows = [
            (metavar(param.make_metavar(ctx), language), self.param_text(param))
            for param in self.get_params(ctx)
            if isinstance(param, click.Argument)
        ]
        if rows:
            with formatter.section(gettext("Positional arguments")):
                formatter.write_dl(rows)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        language = cli_language()
        rows = []
        for param in self.get_params(ctx):
            record = None if isinstance(param, click.Argument) else param.get_help_record(ctx)
            if record is None:
                continue
            spec, text = record
            own = getattr(param, "help", None) or ""
            extra = text[len(own) :] if own and text.startswith(own) else text  # "[default: …]", "[required]"
            rows.append((metavar(spec, language), f"{self.param_text(param)}  {extra.strip()}".strip()))
        if rows:
            with formatter.section(gettext("Options")):
                formatter.write_dl(rows)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        entry = command_help(self.help_key)
        if entry is not None and entry.examples:
            language = cli_language()
            with formatter.section(HEADINGS["examples"](language)):
                for example in entry.examples:
                    formatter.write(f"{'':>{formatter.current_indent}}{example.command(language)}\n")
                    with formatter.indentation():
                        formatter.write_text(example.what(language))
        super().format_epilog(ctx, formatter)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.BadParameter as exc:  # missing or invalid: name the parameter as its help does
            if exc.param is not None and exc.param_hint is None:
                exc.param_hint = _hint(exc.param, ctx)
            raise


def _hint(param: click.Parameter, ctx: click.Context) -> str:
    language = cli_language()
    names = param.opts if isinstance(param, click.Option) else [metavar(param.make_metavar(ctx), language)]
    return " / ".join(f"« {n} »" if language == "fr" else f"'{n}'" for n in names)


class HelpGroup(HelpCommand, click.Group):
    """A group of HelpCommands (sub-groups too) that chooses the run's language before parsing."""

    command_class = HelpCommand
    group_class = type  # sub-groups are of this same class

    def main(self, args: Sequence[str] | None = None, *rest: Any, **extra: Any) -> Any:
        if chosen_language() is not None:  # a caller chose (the documentation generator, a test)
            return super().main(args, *rest, **extra)
        argv = sys.argv[1:] if args is None else list(args)
        with speaking(detect_language(argv, Path.cwd())):
            return super().main(args, *rest, **extra)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(cmd, name)
        _set_key(cmd, f"{self.help_key} {name or cmd.name}".strip())

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)


def _set_key(cmd: click.Command, key: str) -> None:
    if isinstance(cmd, HelpCommand):
        cmd.help_key = key
    if isinstance(cmd, click.Group):
        for name, child in cmd.commands.items():
            _set_key(child, f"{key} {name}")
