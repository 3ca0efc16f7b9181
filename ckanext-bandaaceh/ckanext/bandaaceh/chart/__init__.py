"""Charts for agency tables: the resource view ``bandaaceh_chart`` (a bar or line chart of a
DataStore table, chosen by the steward) and its default on harvested tables.

``series.py`` is pure (default choice of columns, the series from records); ``view.py`` is the
CKAN side (view type, form validation, the figures read with ``datastore_search``).
"""
