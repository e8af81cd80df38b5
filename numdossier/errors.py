"""Exit codes and the one exception tree: every error carries its exit code and a fix."""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum


class ExitCode(IntEnum):
    """The exit codes of spec/cli.md; scripts rely on them."""

    ok = 0
    input_error = 1  # a profile has errors, or its dossier could not be built because of its inputs
    usage = 2
    environment = 3  # LibreOffice missing, conversion crashed or timed out
    internal = 70
    interrupted = 130


def exit_meaning(code: ExitCode) -> str:
    """What an exit code means, for people, in the current language (docs/cli.md is generated from it)."""
    from .rules.messages import text

    return text(f"errors.exit.{code.name}")


class NumdossierError(Exception):
    """Base of every error a user can act on: a sentence naming the file or field, and a fix."""

    exit_code: ExitCode = ExitCode.internal

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"

    def __reduce__(self) -> tuple[object, ...]:
        # Subclasses take other constructor arguments; rebuild from the attributes so that errors
        # cross process boundaries (batch workers) intact.
        return (_restore, (type(self), dict(self.__dict__)))


def _restore(cls: type[NumdossierError], state: dict[str, object]) -> NumdossierError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message"))
    error.__dict__.update(state)
    return error


class InputError(NumdossierError):
    """The user's input (profile, attachment, template) is wrong."""

    exit_code = ExitCode.input_error


class ProfileError(InputError):
    """The profile cannot be read or does not match the format; `problems` lists every one."""

    def __init__(
        self,
        path: str,
        problems: list[str],
        hint: str | None = None,
        hints: list[str | None] | None = None,
        kind: str | None = None,
    ) -> None:
        self.path = path
        self.problems = problems
        self.kind = kind  # the kind the file declares, when it is a known one (its fields are what failed)
        # a problem's own fix ("去掉引号：…") where there is one; else `hint` applies
        self.hints = hints if hints is not None and len(hints) == len(problems) else [None] * len(problems)
        head = f"{path}: " + ("; ".join(problems) if len(problems) == 1 else _problems(len(problems)))
        super().__init__(head, hint)

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return f"{self.message}\n{self.hints[0] or self.hint or ''}".rstrip()
        from .rules.messages import text

        lines = [f"{self.path}: {_problems(len(self.problems))}"]
        lines += [
            f"  - {p}" + (text("errors.own_hint", hint=h) if h else "")
            for p, h in zip(self.problems, self.hints, strict=True)
        ]
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)


def _problems(n: int) -> str:
    from .rules.messages import text

    return text("errors.problems", n=n)


class AttachmentError(InputError):
    """An attachment cannot be read or merged; names the file as written in the profile."""

    def __init__(
        self,
        file: str,
        message: str,
        hint: str | None = None,
        *,
        reason: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        self.file = file
        self.reason = reason  # pdf/attachments/refusals.py's key, for check to map to its finding
        self.values = dict(values or {})
        super().__init__(f"{file}: {message}", hint)


class TemplateError(InputError):
    """A form template refers to something the profile does not provide, or is malformed."""


class InternalError(NumdossierError):
    """A defect in numdossier met while building one dossier of a batch (exit 70)."""

    exit_code = ExitCode.internal
    stack: str | None = None  # the defect's traceback (no variables' values), shown only with --debug


class UsageError(NumdossierError):
    """The command line itself is wrong (exit 2)."""

    exit_code = ExitCode.usage


class EnvironmentProblem(NumdossierError):
    """Something the machine must provide is missing or failed (exit 3)."""

    exit_code = ExitCode.environment


class OutputError(EnvironmentProblem):
    """The output folder cannot be written (disk full, no permission): nothing half-written is left."""


class ConversionError(EnvironmentProblem):
    """LibreOffice crashed, timed out or produced no PDF; `converter` names the one that failed."""

    converter: str | None = None


class ConversionTimeout(ConversionError):
    """LibreOffice did not finish in time and was killed."""


class ConversionCrashed(ConversionError):
    """LibreOffice exited with an error or was killed by a signal (or a converter server died)."""


class ConversionNoOutput(ConversionError):
    """LibreOffice exited normally but wrote no PDF (or an empty or damaged one)."""


class ConverterUnavailable(ConversionError):
    """No configured converter server answers (down, refusing, or not a unoserver)."""
