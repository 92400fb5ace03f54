"""Shared test support: the one standard set of personas (ARCHITECTURE.md rule 8)."""
