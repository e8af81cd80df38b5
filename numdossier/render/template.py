"""A DOCX template as untrusted input: refused, sanitised and normalised before docxtpl sees it.

Any template may come from a carrier or an agency (spec: "自带模板"), so every one, built-in or not, goes
through `prepare`:

- refused (TemplateError): not a zip, no word/document.xml, a macro-enabled document (.docm, .dotm,
  vbaProject.bin, a macroEnabled content type), too many entries or too many bytes unpacked, any XML part
  with a DOCTYPE (no entity can be expanded: nothing is declared);
- stripped, with a finding naming the template: relationships with TargetMode="External" (linked
  images, hyperlinks, attached templates, subdocuments: LibreOffice fetches linked images while
  converting) and the attributes that point at them; field codes that make LibreOffice read files or
  URLs (INCLUDETEXT, INCLUDEPICTURE, LINK, DDE, DDEAUTO, IMPORT), in both forms (w:fldSimple and
  w:fldChar/w:instrText): the field goes, its last shown result stays as plain text;
- normalised: a section's page that is not A4 (Letter, the default of python-docx and of Word in the
  US; Legal, A5...) is set to A4 in its own orientation, with a finding: every dossier page is A4, and
  the page numbers, seal placeholders and signature boxes are placed on A4;
  docxtpl's {{r x }} / {{p x }} / {{tr x }} / {{tc x }} (a RichText or Subdoc object's XML put in place of
  the run, paragraph, row or cell) become {{ x }}, with a finding: every value a profile gives is text,
  and text put there is outside any run, so Word and LibreOffice never show it;
  a {{ }}, {% %} or {# #} tag that Word split over several runs (spell-check marks, rsid
  attributes, a bolded half, even between the two braces) is joined into the run where it starts, so it
  renders; a tag not closed in its paragraph is left for `template check` to name.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from ..errors import TemplateError
from ..rules import messages

MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a form template is well under 1 MB
MAX_ENTRIES = 1000  # a Word document has a few dozen parts
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
W = f"{{{W_NS}}}"
TEXT_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")
# Field instructions that read another file or a URL while LibreOffice (or Word) updates fields.
HOSTILE_FIELDS = re.compile(r"^\s*(INCLUDETEXT|INCLUDEPICTURE|LINK|DDEAUTO|DDE|IMPORT)\b", re.I)
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
OPENERS = ("{{", "{%", "{#")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass
class Prepared:
    """The template ready for docxtpl, and what had to be done to it."""

    data: bytes
    stripped: list[str] = field(default_factory=list)  # one sentence per removed link or field
    joined: int = 0  # tags joined from several runs
    broken: list[str] = field(default_factory=list)  # paragraphs with a tag not closed in the paragraph
    resized: list[str] = field(default_factory=list)  # one sentence per section's page set to A4
    landscape: list[str] = field(default_factory=list)  # one sentence per landscape section (refused)
    retagged: list[str] = field(default_factory=list)  # one sentence per {{r x }}-like tag made {{ x }}


def _refuse(name: str, why: str, hint: str = "resave", **values: object) -> TemplateError:
    """The TemplateError of [render.template.<why>], with the hint [render.template.hint.<hint>]."""
    return TemplateError(
        messages.text(
            "render.template.refused", name=name, why=messages.text(f"render.template.{why}", **values)
        ),
        messages.text(f"render.template.hint.{hint}"),
    )


def prepare(source: Path | bytes, name: str | None = None) -> Prepared:
    """Check, sanitise and normalise a template; `name` is how findings and errors call it.

    The same template bytes are prepared once per process (every dossier of a batch fills the same
    few templates, and `check` reads them too); each caller gets its own copy of the result."""
    if isinstance(source, Path):
        name = name or source.name
        if source.suffix.lower() in (".docm", ".dotm"):
            raise _refuse(name, "macro_enabled")
        try:
            data = source.read_bytes()
        except OSError as e:
            # the OS's own sentence is English ("No such file or directory"): the two a user meets, in words
            why = {FileNotFoundError: "not_found", IsADirectoryError: "is_folder"}.get(type(e))
            detail = messages.text(f"render.template.{why}") if why else (e.strerror or e)
            raise _refuse(name, "unreadable", "path", detail=detail) from e
    else:
        data = source
    name = name or "template.docx"
    key = (hashlib.sha256(data).digest(), name)
    done = _PREPARED.get(key)
    if done is None:
        if len(_PREPARED) >= 32:  # a batch uses a few templates; an agency's folder of them, a few dozen
            _PREPARED.clear()
        done = _PREPARED[key] = _prepare(data, name)  # a refusal is raised each time, never kept
    return replace(
        done,
        stripped=list(done.stripped),
        broken=list(done.broken),
        resized=list(done.resized),
        landscape=list(done.landscape),
        retagged=list(done.retagged),
    )


_PREPARED: dict[tuple[bytes, str], Prepared] = {}


def _prepare(data: bytes, name: str) -> Prepared:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        raise _refuse(name, "not_zip") from e
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _refuse(name, "too_many_parts", "check", parts=len(infos), limit=MAX_ENTRIES)
        unpacked = sum(i.file_size for i in infos)
        if unpacked > MAX_UNPACKED_BYTES:
            raise _refuse(name, "too_large", "size", mb=unpacked // (1024 * 1024))
        names = [i.filename for i in infos]
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise _refuse(name, "macros")
        if "word/document.xml" not in names or "[Content_Types].xml" not in names:
            raise _refuse(name, "not_word")
        try:
            parts = {i.filename: archive.read(i) for i in infos}
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as e:
            raise _refuse(name, "damaged", detail=e) from e
    if b"macroEnabled" in parts["[Content_Types].xml"]:
        raise _refuse(name, "macro_enabled")
    prepared = Prepared(b"")
    trees: dict[str, etree._Element] = {}
    for part_name, content in parts.items():
        if part_name.endswith((".xml", ".rels")):
            if b"<!DOCTYPE" in content[:4096].upper() or b"<!ENTITY" in content.upper():
                raise _refuse(name, "dtd", part=part_name)
            try:
                trees[part_name] = etree.fromstring(content, _PARSER)
            except etree.XMLSyntaxError as e:
                raise _refuse(name, "bad_xml", part=part_name, detail=e) from e
    external = _strip_external(trees, prepared, name)
    for part_name, root in trees.items():
        if external.get(part_name):
            _drop_references(root, external[part_name])
        if part_name == "word/document.xml":
            _page_to_a4(root, prepared, name)
        if TEXT_PARTS.match(part_name):
            _strip_fields(root, prepared, name)
            _join_split_tags(root, prepared)
            _plain_variables(root, prepared, name)
    out = io.BytesIO()
    # Stored, not deflated: docxtpl reads it from memory; the filled form is compressed when written.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in infos:
            if info.filename in trees:
                content = etree.tostring(
                    trees[info.filename], xml_declaration=True, encoding="UTF-8", standalone=True
                )
            else:
                content = parts[info.filename]
            target.writestr(info.filename, content)
    prepared.data = out.getvalue()
    return prepared


def _strip_external(trees: dict[str, etree._Element], prepared: Prepared, name: str) -> dict[str, set[str]]:
    """Remove external relationships; returns, per part, the ids removed (its attributes still point there)."""
    removed: dict[str, set[str]] = {}
    for rels_name, root in trees.items():
        if not rels_name.endswith(".rels"):
            continue
        folder, _, file = rels_name.rpartition("_rels/")
        owner = folder + file.removesuffix(".rels")
        for rel in list(root):
            if rel.get("TargetMode", "").lower() == "external":
                kind = rel.get("Type", "").rsplit("/", 1)[-1]
                prepared.stripped.append(
                    messages.text(
                        "render.template.stripped_link", name=name, kind=kind, target=rel.get("Target", "")
                    )
                )
                removed.setdefault(owner, set()).add(rel.get("Id", ""))
                root.remove(rel)
    return removed


def _drop_references(root: etree._Element, ids: set[str]) -> None:
    """Attributes in the relationships namespace (r:id, r:link, r:embed) that name a removed relationship."""
    for element in root.iter():
        for attribute in [a for a in element.attrib if a.startswith(f"{{{R_NS}}}")]:
            if element.get(attribute) in ids:
                del element.attrib[attribute]


@dataclass
class _ComplexField:
    """A field between its begin and end w:fldChar: the nodes it spans and its instruction text so far."""

    nodes: list[etree._Element]
    instr: str = ""


def _strip_fields(root: etree._Element, prepared: Prepared, name: str) -> None:
    for simple in list(root.iter(f"{W}fldSimple")):
        instruction = simple.get(f"{W}instr", "")
        if HOSTILE_FIELDS.match(instruction):
            word = instruction.strip().split()[0].upper()
            prepared.stripped.append(messages.text("render.template.stripped_field", name=name, word=word))
            parent = simple.getparent()
            if parent is not None:
                index = parent.index(simple)
                for child in list(simple):  # the shown result stays
                    parent.insert(index, child)
                    index += 1
                parent.remove(simple)
    stack: list[_ComplexField] = []
    for element in list(root.iter(f"{W}fldChar", f"{W}instrText")):
        if element.tag == f"{W}fldChar":
            kind = element.get(f"{W}fldCharType")
            if kind == "begin":
                stack.append(_ComplexField(nodes=[element]))
            elif stack:
                stack[-1].nodes.append(element)
                if kind == "end":
                    done = stack.pop()
                    instruction = done.instr
                    if HOSTILE_FIELDS.match(instruction):
                        word = instruction.strip().split()[0].upper()
                        prepared.stripped.append(
                            messages.text("render.template.stripped_field", name=name, word=word)
                        )
                        for node in done.nodes:
                            parent = node.getparent()
                            if parent is not None:
                                parent.remove(node)
        elif stack:
            stack[-1].instr += element.text or ""
            stack[-1].nodes.append(element)


A4_TWIPS = (11906, 16838)  # 210 x 297 mm in twentieths of a point, as Word writes it
_TWIPS_PER_MM = 1440 / 25.4


def _page_to_a4(root: etree._Element, prepared: Prepared, name: str) -> None:
    """Each section's w:pgSz that is not A4 (within 1 mm) becomes A4, portrait or landscape as it was.

    A landscape section is named in `landscape`: check and template check refuse it (build only with
    --force). The dossier is A4 portrait page by page, as printed, stamped and scanned: its page numbers,
    seal placeholders and signature boxes are placed on portrait pages (a landscape page had its circle
    drawn 90 mm away from its 盖章 label)."""
    for number, size in enumerate(root.iter(f"{W}pgSz"), 1):
        try:
            width, height = int(size.get(f"{W}w", "0")), int(size.get(f"{W}h", "0"))
        except ValueError:
            width = height = 0
        landscape = width > height or size.get(f"{W}orient") == "landscape"
        if landscape:
            prepared.landscape.append(
                messages.text("render.template.landscape_section", name=name, section=number)
            )
        want = A4_TWIPS[::-1] if landscape else A4_TWIPS
        if abs(width - want[0]) <= _TWIPS_PER_MM and abs(height - want[1]) <= _TWIPS_PER_MM:
            continue
        size.set(f"{W}w", str(want[0]))
        size.set(f"{W}h", str(want[1]))
        prepared.resized.append(
            messages.text(
                "render.template.resized",
                name=name,
                width=f"{width / _TWIPS_PER_MM:.1f}",
                height=f"{height / _TWIPS_PER_MM:.1f}",
                orientation=messages.text(f"render.template.{'landscape' if landscape else 'portrait'}"),
            )
        )


def paragraphs(root: etree._Element) -> list[etree._Element]:
    """Every paragraph of a part: body, tables, text boxes (w:txbxContent) alike."""
    return list(root.iter(f"{W}p"))


def paragraph_texts(p: etree._Element) -> list[etree._Element]:
    """The w:t of a paragraph's own runs (not of a text box or paragraph nested in it)."""
    return [t for t in p.iter(f"{W}t") if _owner(t) is p]


def _owner(t: etree._Element) -> etree._Element | None:
    node = t.getparent()
    while node is not None and node.tag != f"{W}p":
        node = node.getparent()
    return node


def _join_split_tags(root: etree._Element, prepared: Prepared) -> None:
    for p in paragraphs(root):
        texts = paragraph_texts(p)
        joined = "".join(t.text or "" for t in texts)
        if not any(mark in joined for mark in ("{", "}")):
            continue
        while len(texts) > 1:
            starts, at = [], 0
            for t in texts:
                starts.append(at)
                at += len(t.text or "")
            joined = "".join(t.text or "" for t in texts)
            split = None
            for match in TAG.finditer(joined):
                first = _index(starts, match.start())
                last = _index(starts, match.end() - 1)
                if first != last:
                    split = (match, first, last)
                    break
            if split is None:
                break
            match, first, last = split
            head, tail = texts[first], texts[last]
            keep = (head.text or "")[: match.start() - starts[first]]
            rest = (tail.text or "")[match.end() - starts[last] :]
            head.text = keep + match.group(0)
            for t in texts[first + 1 : last]:
                t.text = ""
            tail.text = rest
            for t in (head, tail):
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            prepared.joined += 1
        text = "".join(t.text or "" for t in texts)
        if _unclosed(text):
            prepared.broken.append(text.strip())


_OBJECT_TAG = re.compile(r"\{\{(p|r|tr|tc)\s+(.*?)\}\}", re.S)


def _plain_variables(root: etree._Element, prepared: Prepared, name: str) -> None:
    """{{r x }} -> {{ x }} in each w:t (the tags are whole in one w:t once joined)."""
    for t in root.iter(f"{W}t"):
        if t.text and "{{" in t.text and _OBJECT_TAG.search(t.text):
            for match in _OBJECT_TAG.finditer(t.text):
                prepared.retagged.append(
                    messages.text("render.template.retagged", name=name, tag=match.group(0).strip()[:60])
                )
            t.text = _OBJECT_TAG.sub(lambda m: "{{ " + m.group(2).strip() + " }}", t.text)


def _index(starts: list[int], position: int) -> int:
    """The w:t holding character `position` of the paragraph (the last one starting at or before it)."""
    found = 0
    for i, start in enumerate(starts):
        if start <= position:
            found = i
    return found


def _unclosed(text: str) -> bool:
    rest = TAG.sub("", text)
    return any(o in rest for o in OPENERS) or any(c in rest for c in ("}}", "%}", "#}"))
