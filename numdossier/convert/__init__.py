"""DOCX -> PDF conversion with LibreOffice: one-shot grouped soffice runs, or warm unoserver instances."""

from .libreoffice import Converter, Office, convert_grouped, find_soffice, probe

__all__ = ["Converter", "Office", "convert_grouped", "find_soffice", "probe"]
