"""Wiring of the Banda Aceh extension: which CKAN interfaces, pointing at the modules."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.bandaaceh import search, views
from ckanext.bandaaceh.logic import datastore
from ckanext.xloader.interfaces import IXloader


@tk.blanket.helpers
@tk.blanket.validators
@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.blueprints(views.get_blueprints)
@tk.blanket.cli
@tk.blanket.config_declarations
class BandaAcehPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.ITranslation)
    p.implements(IXloader, inherit=True)

    # IConfigurer
    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "bandaaceh")

    # ITranslation
    def i18n_directory(self) -> str:
        import os
        return os.path.join(os.path.dirname(__file__), "i18n")

    def i18n_locales(self) -> list[str]:
        return ["id", "en"]

    def i18n_domain(self) -> str:
        return "ckanext-bandaaceh"

    # IFacets
    def dataset_facets(self, facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
        return search.dataset_facets(facets_dict, package_type)

    def organization_facets(self, facets_dict: dict[str, Any], organization_type: str,
                            package_type: str | None) -> dict[str, Any]:
        return search.dataset_facets(facets_dict, package_type or "dataset")

    # IPackageController
    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return search.before_dataset_index(pkg_dict)

    # IXloader: tables this extension loads with exact types are not re-guessed by xloader.
    def can_upload(self, resource_id: str) -> bool:
        try:
            resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
        except tk.ObjectNotFound:
            return True
        return not datastore.loaded_by_us(resource)
