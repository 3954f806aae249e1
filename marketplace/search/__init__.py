"""The search layer shared by every app: one query language, two backends (issue #4)."""
