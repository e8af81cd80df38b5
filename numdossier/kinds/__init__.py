"""Dossier kinds: each is a folder of templates plus its checklist data (templates/<kind>/checklist.toml)."""

from .checklist import Checklist, Item, load_checklist, template_dir

__all__ = ["Checklist", "Item", "load_checklist", "template_dir"]
