"""Harvesting SKPD spreadsheets into the portal with ckanext-harvest.

* :mod:`.config`   - the source config (entries, defaults), its validation, Google Sheets links
* :mod:`.fetch`    - safe HTTP fetching (address checks, redirects, limits, retries, conditional GET)
* :mod:`.manifest` - index manifests (CSV/XLSX or JSON lists of spreadsheets on an SKPD site)
* :mod:`.publish`  - tables to CSV resources, DataStore fields and the dataset dict
* :mod:`.edits`    - hand edits of harvested datasets: the source's fields read-only, the others kept
* :mod:`.plugin`   - the ``bandaaceh_spreadsheet`` harvester (gather / fetch / import)
* :mod:`.sources`  - harvest sources as code (``harvesters/*.yaml``) and synchronous runs
* :mod:`.cli`      - ``ckan bandaaceh harvesters sync|run|list``
"""
