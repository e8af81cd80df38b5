"""The profile: model and loader."""

from .loader import LoadedProfile, field_path, load_profile
from .model import KINDS, MODELS, ProfileBase

__all__ = ["KINDS", "MODELS", "LoadedProfile", "ProfileBase", "field_path", "load_profile"]
