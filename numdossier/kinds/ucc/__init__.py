"""The ucc kind: 企业融合通信 business numbers (data in templates/ucc/)."""
