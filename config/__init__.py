"""Typed environment configuration: environments/*.yaml -> validated `Environment` objects."""
