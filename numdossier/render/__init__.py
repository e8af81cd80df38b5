"""Form rendering: the one jinja environment and DOCX templates."""
