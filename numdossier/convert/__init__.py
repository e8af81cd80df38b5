"""DOCX -> PDF conversion with LibreOffice."""

from .libreoffice import Converter, convert_all, find_soffice

__all__ = ["Converter", "convert_all", "find_soffice"]
