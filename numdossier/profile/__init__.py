"""The profile: model and loader."""

from .loader import LoadedProfile, field_path, load_profile
from .model import ProfileBase

__all__ = ["LoadedProfile", "ProfileBase", "field_path", "load_profile"]
