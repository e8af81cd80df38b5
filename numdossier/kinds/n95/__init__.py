"""The n95 kind: 95 numbers (data in templates/n95/)."""
