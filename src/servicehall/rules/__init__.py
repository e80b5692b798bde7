"""The center's rulebook as pure Python — 规则 (RULES.md). No Django imports here."""
