"""Findings, format validators and attachment inspection."""
