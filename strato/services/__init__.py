"""One folder per AWS service; each provider method implements one operation."""
