"""Which profiles a command line names: files as given, folders for the profiles in them, quoted globs."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError


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
                    f"文件夹 {path} 及其子文件夹中没有 .toml 配置文件",
                    "请给出配置文件，或含有配置文件的文件夹（如 clients/，其中每个客户一个文件夹）。",
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
                    f"没有与 {path} 匹配的配置文件", "请检查通配符，或给出配置文件所在的文件夹。"
                )
            expanded += found
        else:
            expanded.append(path)
    return expanded
