"""`init`: write a commented starter profile for a kind, its JSON Schema and an attachments/README.md beside it.

One folder per client: `init clients/acme --kind n96` writes clients/acme/profile.toml with its own
attachments/, so that two clients' scans never share a folder (the dossier is named after the folder)."""

from __future__ import annotations

from pathlib import Path

from . import atomic
from .errors import InputError, OutputError
from .kinds import registry
from .rules.messages import LANGUAGES, text, using
from .schema import schema_filename, with_directive, write_schema

PROFILE_NAME = "profile.toml"  # the profile of a client folder; its dossier takes the folder's name


def profile_path(path: Path) -> Path:
    """Where `init PATH` writes the profile: PATH itself when it names a .toml file, else PATH/profile.toml."""
    if path.suffix.lower() == ".toml" and not path.is_dir():
        return path
    return path / PROFILE_NAME


def readme_kind(readme: Path) -> str | None:
    """The kind whose attachments README this is (by its first line), or None when it is the user's own."""
    try:
        first = readme.read_text(encoding="utf-8").splitlines()[:1]
    except (OSError, UnicodeDecodeError):
        return None
    for kind in registry.names():
        for lang in LANGUAGES:  # written by `init` in either language
            template = registry.get(kind).attachments_readme(lang)
            if template.is_file() and first == template.read_text(encoding="utf-8").splitlines()[:1]:
                return kind
    return None


def _profiles_beside(path: Path) -> list[Path]:
    folder = path.parent
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.toml") if p.resolve() != path.resolve())


def init_profile(path: Path, kind: str, force: bool = False, lang: str | None = None) -> list[Path]:
    """Returns the files written. PATH is a client folder (profile.toml goes inside) or a .toml file.

    The starter and the attachments README are the kind's in `lang` (default: the current language;
    the Chinese ones for a kind without English files): the same data, comments in the user's language.

    The starter's first line is Taplo's `#:schema` directive naming the schema written beside it, so that
    VS Code (Even Better TOML) underlines a wrong key or value while the profile is typed. The schema is
    generated, not the user's: it is rewritten every time (several profiles of a folder share it).
    """
    source = registry.get(kind)  # a UsageError naming the kinds if there is no such kind
    if path.exists() and not path.is_dir() and path.suffix.lower() != ".toml":
        raise InputError(text("init.not_a_folder", path=path), text("init.not_a_folder_hint"))
    path = profile_path(path)
    if path.exists() and not force:
        raise InputError(text("init.exists", path=path), text("init.exists_hint"))
    if path.is_dir():
        raise InputError(text("init.is_folder", path=path), text("init.is_folder_hint"))
    readme = path.parent / "attachments" / "README.md"
    other_kind = readme_kind(readme) if readme.exists() else None
    if other_kind is not None and other_kind != kind:
        suggestion = _own_folder(path, kind)
        raise InputError(
            text("init.other_kind", readme=readme, kind=other_kind),
            text("init.one_folder", suggestion=suggestion, kind=kind),
        )
    beside = [p for p in _profiles_beside(path) if not force]
    if beside:
        suggestion = _own_folder(path, kind)
        raise InputError(
            text("init.beside", folder=path.parent, name=beside[0].name),
            text("init.one_folder_or_force", suggestion=suggestion, kind=kind),
        )
    written: list[Path] = []
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for src, dst in ((source.starter(lang), path), (source.attachments_readme(lang), readme)):
            if dst == readme and readme.exists() and not force:
                continue  # an existing attachments folder belongs to the user
            dst.parent.mkdir(parents=True, exist_ok=True)
            content = src.read_bytes()
            if dst == path:
                content = with_directive(content.decode("utf-8"), schema_filename(kind)).encode("utf-8")
            written.append(atomic.write(dst, content))
        with using(lang):  # its descriptions are the starter's comments: the same language
            written.append(write_schema(path.parent, kind))
    except OSError as e:  # a folder that cannot be made (a file in the way, no permission, /proc...)
        where = Path(e.filename) if e.filename else path
        raise OutputError(
            text("init.write", path=where, reason=e.strerror or type(e).__name__), text("init.write_hint")
        ) from None
    return written


def _own_folder(path: Path, kind: str) -> Path:
    """A folder of its own for a profile that would share another's attachments/. Loose profiles
    (clients/a.toml, clients/b.toml): clients/b. In a client's folder (clients/acme/profile.toml): beside
    it, clients/acme-<kind> (or clients/<file's name>), where `build clients/` finds it, not inside it."""
    if path.stem != "profile" and not (path.parent / PROFILE_NAME).exists():
        return path.parent / path.stem
    name = path.stem if path.stem != "profile" else f"{path.parent.name}-{kind}"
    return path.parent.parent / name
