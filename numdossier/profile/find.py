"""Which profiles a command line names: files as given, folders for the profiles in them, quoted globs."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from ..rules import messages


def profiles_in(folder: Path) -> list[Path]:
    """A folder stands for the .toml files in it and in its immediate subfolders (clients/<name>/profile.toml),
    in name order; deeper folders (a client's attachments/) are not searched."""
    return sorted({*folder.glob("*.toml"), *folder.glob("*/*.toml")})


def find_profiles(paths: list[Path]) -> list[Path]:
    """The profiles `check` and `build` work on, in the order given; raises UsageError for a folder or a
    pattern that names none."""
    expanded: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = profiles_in(path)
            if not found:
                raise UsageError(
                    messages.text("profile.find.empty_folder", path=path),
                    messages.text("profile.find.empty_folder_hint"),
                )
            expanded += found
        elif not path.exists() and any(c in str(path) for c in "*?["):
            found = (
                sorted(Path().glob(str(path)))
                if not path.is_absolute()
                else sorted(Path(path.anchor).glob(str(path.relative_to(path.anchor))))
            )
            if not found:
                raise UsageError(
                    messages.text("profile.find.no_match", path=path),
                    messages.text("profile.find.no_match_hint"),
                )
            expanded += found
        else:
            expanded.append(path)
    return expanded
