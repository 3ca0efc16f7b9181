"""ckanext-bandaaceh: the CKAN extension of the Banda Aceh open data portal."""
from setuptools import find_namespace_packages, setup

SRC = "ckanext-bandaaceh"

setup(
    name="ckanext-bandaaceh",
    version="0.1.0",
    description="Open data portal of Kota Banda Aceh: SKPD, gampong budgets (APBG), harvesting",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    package_dir={"": SRC},
    packages=find_namespace_packages(SRC, include=["ckanext", "ckanext.*"]),
    namespace_packages=["ckanext"],
    include_package_data=True,
    package_data={
        "ckanext.bandaaceh": [
            "schemas/*.yaml",
            "config_declaration.yaml",
            "templates/**/*.html",
            "harvest/templates/**/*.html",
            "assets/**/*",
            "i18n/**/*",
            "migration/**/*",
        ]
    },
    install_requires=[
        "click",
        "pyyaml",
        "python-calamine>=0.5",
        "charset-normalizer>=3",
        "olefile>=0.46",
        "google-re2>=1.1",  # the safety scan of xlsx worksheets (a DFA: memory speed)
        "holidays>=0.60",
        "msgspec",  # also a CKAN 2.12 requirement (its DataStore uses it)
    ],
    entry_points={
        "ckan.plugins": [
            "bandaaceh = ckanext.bandaaceh.plugin:BandaAcehPlugin",
            "bandaaceh_spreadsheet_harvester = ckanext.bandaaceh.harvest.plugin:SpreadsheetHarvester",
            "bandaaceh_datastore = ckanext.bandaaceh.datastore_backend:DatastoreBackendPlugin",
        ],
        "ckan.rdf.profiles": [
            "bandaaceh_satudata = ckanext.bandaaceh.satudata.dcat:SatuDataProfile",
        ],
    },
)
