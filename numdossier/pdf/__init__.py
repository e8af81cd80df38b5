"""PDF work: attachments to pages, generated pages, overlays and assembly."""
