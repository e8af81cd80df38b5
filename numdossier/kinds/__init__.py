"""Dossier kinds: the registry (numdossier.kinds.registry), each kind's checklist, its code in kinds/<k>/."""

from . import registry
from .checklist import Checklist, Item, load_checklist, template_dir

__all__ = ["Checklist", "Item", "load_checklist", "registry", "template_dir"]
