"""Plumbing every app may import (ARCHITECTURE.md ``core/``): it imports no domain app."""
