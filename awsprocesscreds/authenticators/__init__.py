"""Authenticators: one per identity provider, found through entry points."""
