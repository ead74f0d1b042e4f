"""The kit model: loading YAML with positions, validation, resolution into an Incident, project settings."""
