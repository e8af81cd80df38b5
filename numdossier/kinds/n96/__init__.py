"""The n96 kind: 96 customer-service short number (data in templates/n96/)."""
