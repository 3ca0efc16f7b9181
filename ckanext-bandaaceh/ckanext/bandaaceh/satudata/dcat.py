"""DCAT profile ``bandaaceh_satudata``: the Satu Data fields in DCAT-AP terms.

Added after ckanext-dcat's ``euro_dcat_ap_3`` profile (see ``ckanext.dcat.rdf.profiles``), so
other portals harvesting ``/catalog.ttl`` or ``/dataset/<name>.rdf`` get the publication
frequency, the years covered and the area covered, and harvesting them back restores them.
"""
from __future__ import annotations

from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD, Namespace

from ckanext.dcat.profiles import RDFProfile

from ckanext.bandaaceh import reference
from ckanext.bandaaceh.site import portal_reference

from .years import years_of

DCAT = Namespace("http://www.w3.org/ns/dcat#")
FREQ = Namespace("http://publications.europa.eu/resource/authority/frequency/")

#: frekuensi penerbitan -> EU frequency vocabulary
FREQUENCY = {
    "harian": "DAILY", "mingguan": "WEEKLY", "bulanan": "MONTHLY", "triwulanan": "QUARTERLY",
    "semesteran": "ANNUAL_2", "tahunan": "ANNUAL", "lima_tahunan": "QUINQUENNIAL",
    "tidak_tentu": "IRREG",
}


class SatuDataProfile(RDFProfile):
    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        g = self.g
        freq = FREQUENCY.get(dataset_dict.get("frekuensi") or "")
        if freq:
            g.set((dataset_ref, DCTERMS.accrualPeriodicity, FREQ[freq]))
        years = years_of(dataset_dict.get("tahun") or "")
        if years:
            period = BNode()
            g.add((dataset_ref, DCTERMS.temporal, period))
            g.add((period, RDF.type, DCTERMS.PeriodOfTime))
            g.add((period, DCAT.startDate, Literal(f"{min(years)}-01-01", datatype=XSD.date)))
            g.add((period, DCAT.endDate, Literal(f"{max(years)}-12-31", datatype=XSD.date)))
        area = portal_reference().areas.get(dataset_dict.get("kode_wilayah") or "")
        if area:
            location = BNode()
            g.add((dataset_ref, DCTERMS.spatial, location))
            g.add((location, RDF.type, DCTERMS.Location))
            g.add((location, DCTERMS.identifier, Literal(area.kode)))
            g.add((location, SKOS.prefLabel, Literal(reference.area_title(area), lang="id")))
            g.add((location, RDFS.label, Literal(reference.area_title(area), lang="id")))

    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> dict[str, Any]:
        freq = self._object(dataset_ref, DCTERMS.accrualPeriodicity)
        by_uri = {str(FREQ[v]): k for k, v in FREQUENCY.items()}
        if freq is not None and str(freq) in by_uri:
            dataset_dict["frekuensi"] = by_uri[str(freq)]
        for location in self.g.objects(dataset_ref, DCTERMS.spatial):
            code = self.g.value(location, DCTERMS.identifier)
            if code is not None and str(code) in portal_reference().areas:
                dataset_dict["kode_wilayah"] = str(code)
        return dataset_dict
