"""Closed holes of CKAN 2.12 that the portal cannot leave open (CKAN side).

- ``csrf``: our forms and write actions check CSRF tokens even where CKAN exempted them.
- ``visibility``: private datasets' tags and organisations' members stay private.
- ``dump``: formula-leading text cells neutralised in the DataStore's CSV/TSV output (dump).
"""
