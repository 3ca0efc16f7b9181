"""Satu Data Indonesia dataset metadata: validators, years, search index and facets, DCAT profile."""
