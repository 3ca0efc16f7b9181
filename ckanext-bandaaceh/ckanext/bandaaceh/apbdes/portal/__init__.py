"""APBG (gampong budgets) on CKAN: import, staging, transparency, pages, CLI, helpers, validators.

The budget logic itself is the pure core one level up (:mod:`ckanext.bandaaceh.apbdes`);
this package is its CKAN side and the only part of ``apbdes/`` that imports CKAN.
"""
