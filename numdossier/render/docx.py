"""Fill a DOCX template with the strict environment and write it reproducibly."""

from __future__ import annotations

import contextlib
import io
import os
import re
import time
import zipfile
from collections.abc import Callable, Collection
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2 import meta

from ..errors import TemplateError
from ..rules import messages
from .engine import environment
from .template import Prepared, prepare

ContextBuilder = Callable[[DocxTemplate], dict[str, Any]]


def _zip_time() -> tuple[int, int, int, int, int, int]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        t = time.gmtime(max(int(epoch), 315532800))  # zip cannot store dates before 1980
        return (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)
    return (1980, 1, 1, 0, 0, 0)


def reproducible_zip(data: bytes) -> bytes:
    """Rewrite a DOCX with fixed member timestamps: python-docx stamps each member with the time now.

    Each member is written once: python-docx writes docProps/core.xml twice for a LibreOffice-authored
    template (it does not recognise the core properties it read and adds its own under the same name),
    and a package with a repeated member is one that Word may call damaged. The copy kept is the one
    a reader of the zip sees (the last), as python-docx meant it.
    """
    out = io.BytesIO()
    when = _zip_time()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in dst.NameToInfo:
                continue
            member = zipfile.ZipInfo(info.filename, date_time=when)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


def _error(what: str, template: Path, detail: object) -> TemplateError:
    """The TemplateError [render.docx.<what>] naming `template`, with its hint."""
    return TemplateError(
        messages.text(f"render.docx.{what}", name=template.name, detail=detail),
        messages.text(f"render.docx.{what}_hint"),
    )


class Undeclared(Exception):
    """A part of the template names variables the context lacks."""

    def __init__(self, names: set[str]) -> None:
        super().__init__(", ".join(sorted(names)))
        self.names = names


@lru_cache(maxsize=64)
def _compiled(source: str) -> tuple[jinja2.Template, frozenset[str]]:
    """One XML part of a template parsed and compiled once per process, with the variables it uses.

    Every dossier of a batch fills the same few templates: compiling a form's XML is most of the cost
    of filling it. (docxtpl's get_undeclared_template_variables would read and parse the whole
    document once more for each dossier.)"""
    env = environment()
    parsed = env.parse(source)
    return env.from_string(parsed), frozenset(meta.find_undeclared_variables(parsed))


@lru_cache(maxsize=256)
def _cleaned(xml: str) -> str:
    """docxtpl's clean-up of one part's XML for jinja2 (patch_xml: a dozen regular expressions over the
    whole part; it uses nothing of the instance): the same for every dossier that fills the template."""
    cleaned: str = DocxTemplate.patch_xml(None, xml)
    return cleaned


class CleanedOnce(DocxTemplate):  # type: ignore[misc]  # docxtpl has no type information
    """docxtpl's template, each part's XML cleaned once per process."""

    def patch_xml(self, src_xml: str) -> str:
        return _cleaned(src_xml)


class _Checking:
    """The environment as docxtpl uses it: each part's variables are checked against the context
    before it is rendered, and its compiled template comes from the cache above."""

    def __init__(self, provided: Collection[str]) -> None:
        self._provided = set(provided)

    def from_string(self, source: str) -> jinja2.Template:
        template, names = _compiled(source)
        missing = set(names) - self._provided
        if missing:
            raise Undeclared(missing)
        return template

    def __getattr__(self, name: str) -> Any:
        return getattr(environment(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:  # docxtpl sets autoescape; the one environment is autoescaping already
            setattr(environment(), name, value)


class _Compiling(CleanedOnce):
    """A template walked part by part as docxtpl renders it, each part only cleaned and compiled."""

    def render_xml_part(self, src_xml: str, part: Any, context: Any, jinja_env: Any = None) -> str:
        # what docxtpl's render_xml_part hands to from_string (docxtpl 0.18-0.20)
        _compiled(re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml))
        return src_xml


class _Anything:
    def from_string(self, source: str) -> jinja2.Template:
        return _compiled(source)[0]

    def __getattr__(self, name: str) -> Any:
        return getattr(environment(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        pass


def compile_ahead(template: Path) -> None:
    """Put a template's parts into this process's caches without filling it (the resident numdossier
    does it for the built-in forms before its first command). Only a head start: a template that fails
    here fails where it is filled, with its message."""
    with contextlib.suppress(Exception):  # reported by render_docx when the template is used
        _Compiling(io.BytesIO(prepare(template).data)).render({}, jinja_env=_Anything(), autoescape=True)


def _undefined(
    template: Path, prepared: Prepared, context: dict[str, Any], error: jinja2.UndefinedError
) -> TemplateError:
    """The field jinja2 could not read, named by its path in the template (company.nmae, and the name
    beside it: company.name), not by jinja2's "'dict object' has no attribute 'nmae'"."""
    from .authoring import unresolved, used_paths

    found = [m for m in (unresolved(p, context) for p in used_paths(prepared.data)) if m]
    if not found:
        return _error("undefined", template, error.message)
    shown = "、".join(
        dict.fromkeys(
            messages.text("render.docx.unknown_field_close", path=path, close=close) if close else path
            for path, close in found
        )
    )
    return TemplateError(
        messages.text("render.docx.unknown_field", name=template.name, fields=shown),
        messages.text("render.docx.unknown_field_hint"),
    )


def render_docx(template: Path, build_context: ContextBuilder, out: Path) -> Prepared:
    """Render `template` into `out`; every template problem becomes a TemplateError naming the template.

    The template is first refused, sanitised and normalised (render.template.prepare: macros, external
    links, file-reading fields, DTDs, tags split over runs); what was stripped is returned.
    """
    prepared = prepare(template)
    if prepared.broken:
        raise TemplateError(
            messages.text("render.docx.unclosed", name=template.name, text=prepared.broken[0][:60]),
            messages.text("render.docx.unclosed_hint"),
        )
    context: dict[str, Any] = {}
    try:
        tpl = CleanedOnce(io.BytesIO(prepared.data))
        context = build_context(tpl)
        try:
            tpl.render(context, jinja_env=_Checking(context), autoescape=True)
        except (TypeError, AttributeError, ValueError, ArithmeticError) as e:
            # raised by the template's own expressions on the profile's values (a filter on the wrong
            # type, text added to a number): the template's mistake, not a defect of numdossier
            raise _error("evaluation", template, f"{type(e).__name__}: {e}") from e
        buffer = io.BytesIO()
        tpl.save(buffer)
    except Undeclared as e:
        raise TemplateError(
            messages.text("render.docx.undeclared", name=template.name, names=sorted(e.names)),
            messages.text("render.docx.undeclared_hint"),
        ) from None
    except TemplateError:
        raise
    except jinja2.TemplateSyntaxError as e:
        raise _error("syntax", template, e.message) from e
    except jinja2.UndefinedError as e:
        raise _undefined(template, prepared, context, e) from e
    except jinja2.exceptions.SecurityError as e:
        raise _error("unsafe", template, e) from e
    except (zipfile.BadZipFile, KeyError) as e:
        raise _error("not_docx", template, e) from e
    out.write_bytes(reproducible_zip(buffer.getvalue()))
    return prepared
