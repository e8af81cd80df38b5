"""numdossier: telecom number-resource application dossiers from one TOML profile."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("numdossier")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
