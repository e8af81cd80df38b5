"""After signing: verify the stamped scan against its dossier, split it for upload."""
