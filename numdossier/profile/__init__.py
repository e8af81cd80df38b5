"""The profile: model and loader."""

from .loader import LoadedProfile, field_path, load_profile
from .model import KINDS, ProfileBase, model_for, supported_kinds

__all__ = [
    "KINDS",
    "LoadedProfile",
    "ProfileBase",
    "field_path",
    "load_profile",
    "model_for",
    "supported_kinds",
]
