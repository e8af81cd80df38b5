"""The n400 kind: 400 numbers through a carrier (data in templates/n400/)."""
