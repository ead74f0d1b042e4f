"""Composition: facts into texts, revisions in every language, channel posts, approval state, and the one predicate for what is public."""
