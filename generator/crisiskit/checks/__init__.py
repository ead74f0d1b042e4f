"""The message checks: every rule over every kit, revision, language and channel."""
