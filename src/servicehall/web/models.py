"""The pages keep no records of their own: form tokens live in the base app (servicehall.core)."""
