"""The kind registry: every dossier kind numdossier knows, each one folder of data plus its profile model.

A kind is the folder ``templates/<k>/`` (shipped as ``numdossier/templates/<k>/`` in the wheel):

    kind.toml              what the kind is (below); a folder without it is not a kind
    checklist.toml         the dossier's items in order (numdossier.kinds.checklist)
    <item>.docx            one template per ``source = "form"`` item
    starter.toml           the commented profile ``init`` writes (its comments are the fields' descriptions)
    attachments-README.md  the list of scans ``init`` writes beside it
    starter.en.toml        optional: the same profile data with English comments (``--lang en``)
    attachments-README.en.md  optional: the list of scans in English
    messages.toml          optional: the kind's finding texts and field labels, merged into the catalogue

and, when it needs code, the package ``numdossier/kinds/<k>/`` (profile.py, forms.py, rules.py, fee.py).

kind.toml (validated: an unknown key is an error)::

    title = "96 客服短号"                               # one line, shown by --kind help
    title_en = "96 customer-service short number"       # optional: the same in English (--lang en)
    order = 1                                           # position among the kinds (then by name)
    model = "numdossier.kinds.n96.profile:N96Profile"   # the profile model: kind: Literal["<k>"]
    context = "numdossier.kinds.n96.forms:build_context"  # optional, (loaded, tpl) -> dict;
                                                        #   default generic_context: the validated profile
    rules = "numdossier.kinds.n96.rules:rules"          # optional, (profile, ctx) -> list[Finding]
    fee = "numdossier.kinds.n96.fee:fee"                # optional, (profile, ctx) -> dict; default: no fee
    required = ["n96.purpose"]                          # FIELD-MISSING when empty (besides the shared ones)
    embedded = ["n96.topology_image"]                   # fields naming files a form embeds (inspected)
    id_holders = { agent_id = "agent" }                 # attachment key -> person whose ID copy it is
    mobiles = [...]; office_phones = [...]; phones = [...]; emails = [...]; addresses = [...]
    numbers_in_use = [...]                              # the phones/addresses to validate (field paths)
    seal = "every_page"                                 # or "forms_and_copies"
    signatures = [{ item = "commitment", who = "legal_rep", what = "sign_date", where = "signature_line" }]
    [settings]                                          # the kind's thresholds (see rules/data/settings.toml)

The API (all a new kind, a test or another module needs):

    names()                    the registered kinds, in order
    get(name) / find(name)     the Kind (get raises UsageError with a did-you-mean; find returns None)
    model_of(name)             the profile model of a kind (None if unknown)
    register(folder, model=)   add a kind from a folder (a model class may replace kind.toml's ``model``)
    unregister(name)           remove a kind added with register()

A Kind gives its data (``folder``, ``spec``) and resolves its code on first use: ``model``,
``build_context(loaded, tpl)``, ``rules(profile, ctx)``, ``fee(profile, ctx)``.
"""

from __future__ import annotations

import difflib
import importlib
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import TemplateError, UsageError
from ..rules import messages

if TYPE_CHECKING:
    from ..profile.model import ProfileBase

KIND_FILE = "kind.toml"
STARTER = "starter.toml"
ATTACHMENTS_README = "attachments-README.md"
NAME_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"


class Signature(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    item: str
    who: str
    what: str
    where: str


class KindSpec(BaseModel):
    """The contents of a kind.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    title_en: str | None = None
    order: int = 100
    model: str | None = None
    context: str | None = None
    rules: str | None = None
    fee: str | None = None
    required: list[str] = Field(default_factory=list)
    embedded: list[str] = Field(default_factory=list)
    id_holders: dict[str, str] = Field(default_factory=dict)
    mobiles: list[str] = Field(default_factory=list)
    office_phones: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)  # fixed or mobile
    emails: list[str] = Field(default_factory=list)
    addresses: list[str] = Field(default_factory=list)  # lists of addresses that need a house number
    numbers_in_use: list[str] = Field(default_factory=list)
    seal: Literal["every_page", "forms_and_copies"] = "forms_and_copies"
    signatures: list[Signature] = Field(default_factory=list)
    settings: dict[str, Any] = Field(default_factory=dict)


def _resolve(reference: str, where: Path) -> Any:
    """'package.module:name' -> the object."""
    module, _, name = reference.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as e:
        raise TemplateError(
            messages.text("kinds.registry.not_found", where=where, reference=repr(reference), detail=e),
            messages.text("kinds.registry.kind_hint"),
        ) from e


@dataclass
class Kind:
    """One registered kind: its folder of data, its kind.toml, and its code (resolved on first use)."""

    name: str
    folder: Path
    spec: KindSpec
    _model: type[ProfileBase] | None = field(default=None, repr=False)

    @property
    def title(self) -> str:
        """The kind's Chinese name (as the authorities write it)."""
        return self.spec.title

    def title_in(self, lang: str | None = None) -> str:
        """The kind's name in `lang` (default: the current language) for the user's messages and help;
        the Chinese one where kind.toml has none in that language."""
        spoken = messages.normalise(lang) or messages.language()
        return self.spec.title_en if spoken == "en" and self.spec.title_en else self.spec.title

    def data_file(self, name: str, lang: str | None = None) -> Path:
        """The kind's file `name` in `lang` (default: the current language): starter.toml is the Chinese
        one, starter.en.toml the English one; a kind without the English file (a user's own kind) gives
        the Chinese one. Both carry the same data, only the comments differ."""
        spoken = messages.normalise(lang) or messages.language()
        if spoken != "zh":
            own = self.folder / f"{Path(name).stem}.{spoken}{Path(name).suffix}"
            if own.is_file():
                return own
        return self.folder / name

    def starter(self, lang: str | None = None) -> Path:
        """The commented starter profile in `lang` (see data_file)."""
        return self.data_file(STARTER, lang)

    def attachments_readme(self, lang: str | None = None) -> Path:
        """The list of scans `init` writes into attachments/README.md, in `lang` (see data_file)."""
        return self.data_file(ATTACHMENTS_README, lang)

    @property
    def model(self) -> type[ProfileBase]:
        if self._model is None:
            if self.spec.model is None:
                raise TemplateError(
                    messages.text("kinds.registry.no_model", where=self.folder / KIND_FILE),
                    messages.text("kinds.registry.no_model_hint"),
                )
            self._model = _resolve(self.spec.model, self.folder / KIND_FILE)
        return self._model

    def _code(self, reference: str | None) -> Callable[..., Any] | None:
        return None if reference is None else _resolve(reference, self.folder / KIND_FILE)

    def build_context(self, loaded: Any, tpl: Any) -> dict[str, Any]:
        """The jinja context of this kind's templates."""
        build = self._code(self.spec.context)
        if build is None:
            from .context import generic_context

            return generic_context(loaded, tpl)
        result: dict[str, Any] = build(loaded, tpl)
        return result

    def rules(self, profile: dict[str, Any], ctx: Any) -> list[Any]:
        """The kind's own findings (none for a kind without rules)."""
        rules = self._code(self.spec.rules)
        return list(rules(profile, ctx)) if rules is not None else []

    def fee(self, profile: dict[str, Any], ctx: Any) -> dict[str, Any] | None:
        """The kind's fee summary, or None when the kind has no fee to state."""
        fee = self._code(self.spec.fee)
        return fee(profile, ctx) if fee is not None else None


def _read(folder: Path, name: str | None = None) -> Kind:
    path = folder / KIND_FILE
    name = name or folder.name
    try:
        spec = KindSpec.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as e:
        raise TemplateError(
            messages.text("kinds.registry.unreadable", path=path, detail=e),
            messages.text("kinds.registry.kind_hint"),
        ) from e
    return Kind(name, folder, spec)


def templates_root() -> Path:
    """Templates ship inside the wheel (numdossier/templates); a source checkout has them at the top."""
    packaged = Path(__file__).resolve().parent.parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


@cache
def _builtin() -> dict[str, Kind]:
    import re

    found = {}
    for path in sorted(templates_root().glob(f"*/{KIND_FILE}")):
        if re.match(NAME_PATTERN, path.parent.name):
            found[path.parent.name] = _read(path.parent)
    return found


_added: dict[str, Kind] = {}


def _all() -> dict[str, Kind]:
    kinds = {**_builtin(), **_added}
    return dict(sorted(kinds.items(), key=lambda kv: (kv[1].spec.order, kv[0])))


def names() -> list[str]:
    """The registered kinds, in order (n96, n95, n400, ucc, ...)."""
    return list(_all())


def find(name: str) -> Kind | None:
    return _all().get(name) if isinstance(name, str) else None


def get(name: str) -> Kind:
    """The kind called `name`; a UsageError naming the known kinds (and the closest one) otherwise."""
    kind = find(name)
    if kind is None:
        known = names()
        close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.5)
        hint = (
            messages.text("kinds.registry.did_you_mean", name=close[0])
            if close
            else messages.text("kinds.registry.one_of", names=list(known))
        )
        raise UsageError(messages.text("kinds.registry.unknown", name=repr(name)), hint)
    return kind


def model_of(name: str) -> type[ProfileBase] | None:
    kind = find(name)
    return kind.model if kind is not None else None


def register(folder: Path, model: type[ProfileBase] | None = None, name: str | None = None) -> Kind:
    """Add the kind in `folder` (its kind.toml, checklist, templates...); `model` replaces kind.toml's."""
    import re

    kind = _read(Path(folder), name)
    if not re.match(NAME_PATTERN, kind.name):
        raise UsageError(
            messages.text("kinds.registry.bad_name", name=repr(kind.name)),
            messages.text("kinds.registry.bad_name_hint"),
        )
    if kind.name in _builtin():
        raise UsageError(
            messages.text("kinds.registry.exists", name=repr(kind.name)),
            messages.text("kinds.registry.exists_hint"),
        )
    kind._model = model
    _added[kind.name] = kind
    _changed()
    return kind


def unregister(name: str) -> None:
    _added.pop(name, None)
    _changed()


def _changed() -> None:
    """Registered data feeds the settings, the message catalogue and the checklists: read them again."""
    from ..rules.settings import settings
    from .checklist import load_checklist

    settings.cache_clear()
    load_checklist.cache_clear()
    messages.clear()
