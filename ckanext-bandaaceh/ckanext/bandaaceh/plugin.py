"""Wiring of the Banda Aceh extension: which CKAN interfaces, pointing at the capabilities.

The registries (``helpers.py``, ``views.py``, ``cli.py``, ``logic/{action,auth,validators}.py``)
collect what each capability exports; this class only plugs them into CKAN.
"""
from __future__ import annotations

import os
from importlib.util import find_spec
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.bandaaceh import cli, datastore, helpers, outage, views
from ckanext.bandaaceh.apbdes.portal import search as apbdes_search
from ckanext.bandaaceh.apbdes.portal.identity import DATASET_TYPE as APBDES_TYPE
from ckanext.bandaaceh.chart import view as chart_view
from ckanext.bandaaceh.logic import action, auth, validators
from ckanext.bandaaceh.security import csrf
from ckanext.bandaaceh.satudata import search as satudata_search
from ckanext.bandaaceh.satudata.roles import SatuDataPermissionLabels

#: ckanext-xloader is optional: its interface is implemented only when it is installed.
HAS_XLOADER = find_spec("ckanext.xloader") is not None
if HAS_XLOADER:
    from ckanext.xloader.interfaces import IXloader


@tk.blanket.helpers(helpers.get_helpers)
@tk.blanket.validators(validators.get_validators)
@tk.blanket.actions(action.get_actions)
@tk.blanket.auth_functions(auth.get_auth_functions)
@tk.blanket.blueprints(views.get_blueprints)
@tk.blanket.cli(cli)
@tk.blanket.config_declarations
class BandaAcehPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.ITranslation)
    p.implements(p.IPermissionLabels)
    p.implements(p.IResourceView, inherit=True)
    if HAS_XLOADER:
        p.implements(IXloader, inherit=True)

    # IConfigurer
    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "bandaaceh")
        # free-text searches use edismax local parameters (satudata/search.py text_search)
        parsers = tk.aslist(config.get("ckan.search.solr_allowed_query_parsers") or [])
        if satudata_search.EDISMAX_PARSER not in parsers:
            config["ckan.search.solr_allowed_query_parsers"] = parsers + [satudata_search.EDISMAX_PARSER]

    # IMiddleware: called with the Flask app after CKAN registered its error handlers. Our forms
    # and write actions check CSRF tokens even where CKAN exempted them; Solr outages get a
    # clear page.
    def make_middleware(self, app: Any, config: Any) -> Any:
        app.before_request(csrf.protect)
        outage.register_error_pages(app)
        return app

    # ITranslation
    def i18n_directory(self) -> str:
        return os.path.join(os.path.dirname(__file__), "i18n")

    def i18n_locales(self) -> list[str]:
        return ["id", "en"]

    def i18n_domain(self) -> str:
        return "ckanext-bandaaceh"

    # IFacets
    def dataset_facets(self, facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
        if package_type == APBDES_TYPE:
            return apbdes_search.dataset_facets(facets_dict)
        if package_type == "dataset":
            return satudata_search.dataset_facets(facets_dict)
        return facets_dict

    def organization_facets(self, facets_dict: dict[str, Any], organization_type: str,
                            package_type: str | None) -> dict[str, Any]:
        return self.dataset_facets(facets_dict, package_type or "dataset")

    # IPackageController
    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        if pkg_dict.get("type") == APBDES_TYPE:
            return apbdes_search.index_dataset(pkg_dict)
        return satudata_search.index_dataset(pkg_dict)

    def before_dataset_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
        return satudata_search.text_search(search_params, tk.config["bandaaceh.search.mm"])

    # IPermissionLabels: the walidata and the pembina data read the private datasets awaiting them.
    _labels = SatuDataPermissionLabels()

    def get_dataset_labels(self, dataset_obj: Any) -> list[str]:
        return self._labels.get_dataset_labels(dataset_obj)

    def get_user_dataset_labels(self, user_obj: Any) -> list[str]:
        return self._labels.get_user_dataset_labels(user_obj)

    # IResourceView: the chart of a DataStore table (view type bandaaceh_chart, chart/view.py)
    def info(self) -> dict[str, Any]:
        return chart_view.info()

    def can_view(self, data_dict: dict[str, Any]) -> bool:
        return chart_view.can_view(data_dict)

    def setup_template_variables(self, context: Any, data_dict: dict[str, Any]) -> dict[str, Any]:
        return chart_view.setup_template_variables(context, data_dict)

    def view_template(self, context: Any, data_dict: dict[str, Any]) -> str:
        return chart_view.view_template(context, data_dict)

    def form_template(self, context: Any, data_dict: dict[str, Any]) -> str:
        return chart_view.form_template(context, data_dict)

    # IXloader: tables this extension loads with exact types are not re-guessed by xloader.
    def can_upload(self, resource_id: str) -> bool:
        return datastore.xloader_may_load(resource_id)
