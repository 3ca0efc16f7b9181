"""DCAT profile ``bandaaceh_satudata``: every field of our schemas in DCAT-AP 3 terms, both ways.

Added after ckanext-dcat's ``euro_dcat_ap_3`` profile (``ckanext.dcat.rdf.profiles``). Standard
properties are used where they exist:

* ``frekuensi`` -> ``dct:accrualPeriodicity`` (EU frequency vocabulary IRI);
* ``tahun`` -> one ``dct:temporal`` ``dct:PeriodOfTime`` per year or range (``dcat:startDate``,
  ``dcat:endDate``); ``tahun_anggaran`` of a budget likewise;
* ``kode_wilayah`` -> ``dct:spatial``: the IRI of the area's page ``/wilayah/<kode>`` with
  ``dct:identifier`` and ``skos:prefLabel``;
* distributions: ``dct:format`` as an EU file-type IRI, ``dcat:mediaType`` as an IANA IRI,
  the dataset licence on each (``ckanext.dcat.resource.inherit.license``), checksum algorithm;
* ``dcat:contactPoint``: the dataset's contact, else the walidata contact of its organisation;
* the catalog: ``dct:publisher`` (the walidata) and ``dcat:contactPoint``.

Every other field of the dataset's scheming schema is written as ``sd:<field_name>`` in the
namespace :data:`SD` (documented in the README, "DCAT fields"), typed (``xsd:decimal`` for
amounts, ``xsd:integer`` for counts, ``xsd:date`` for dates) and read back into the same field.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import ckan.plugins.toolkit as tk
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD, Namespace

from ckanext.dcat.profiles import RDFProfile

from ckanext.bandaaceh import reference
from ckanext.bandaaceh.apbdes import format_amount
from ckanext.bandaaceh.site import all_organisations, portal_reference

from .years import years_of

__all__ = ["SD", "SatuDataProfile", "sd_fields", "area_iri", "FREQUENCY"]

DCAT = Namespace("http://www.w3.org/ns/dcat#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
FREQ = Namespace("http://publications.europa.eu/resource/authority/frequency/")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
IANA = "https://www.iana.org/assignments/media-types/"
#: Our namespace for the Satu Data and APBG fields DCAT-AP has no property for.
SD = Namespace("https://data.bandaacehkota.go.id/ns/satudata#")

#: frekuensi penerbitan -> EU frequency vocabulary
FREQUENCY = {
    "harian": "DAILY", "mingguan": "WEEKLY", "bulanan": "MONTHLY", "triwulanan": "QUARTERLY",
    "semesteran": "ANNUAL_2", "tahunan": "ANNUAL", "lima_tahunan": "QUINQUENNIAL",
    "tidak_tentu": "IRREG",
}
#: Formats of our resources -> (EU file type, IANA media type)
FORMATS = {
    "CSV": ("CSV", "text/csv"),
    "XLSX": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "XLS": ("XLS", "application/vnd.ms-excel"),
    "ODS": ("ODS", "application/vnd.oasis.opendocument.spreadsheet"),
    "JSON": ("JSON", "application/json"),
    "ZIP": ("ZIP", "application/zip"),
    "PDF": ("PDF", "application/pdf"),
}
#: Fields the euro_dcat_ap_3 profile maps already (or that are CKAN's own).
CORE_FIELDS = {"title", "name", "notes", "tag_string", "license_id", "owner_org", "maintainer",
               "maintainer_email", "author", "author_email", "url", "version"}
#: Fields with a standard property (handled explicitly below).
STANDARD_FIELDS = {"frekuensi", "tahun", "kode_wilayah"}


def area_iri(kode: str) -> URIRef:
    """The resolvable IRI of an area: its page on this portal."""
    return URIRef(tk.config.get("ckan.site_url").rstrip("/") + f"/wilayah/{kode}")


def _schema_fields(dataset_type: str) -> list[dict[str, Any]]:
    schema = tk.h.scheming_get_dataset_schema(dataset_type or "dataset") or {}
    return schema.get("dataset_fields", [])


def sd_fields(dataset_type: str) -> list[tuple[str, URIRef, Any]]:
    """(field, ``sd:`` property, datatype) of every field written in our namespace."""
    out = []
    for field in _schema_fields(dataset_type):
        name = field["field_name"]
        if name in CORE_FIELDS or name in STANDARD_FIELDS:
            continue
        validators = str(field.get("validators", ""))
        datatype = (XSD.decimal if "bandaaceh_apbdes_amount " in validators + " " else
                    XSD.integer if "bandaaceh_apbdes_count" in validators else
                    XSD.date if name.startswith("tanggal_") else None)
        out.append((name, SD[name], datatype))
    return out


def _year_ranges(tahun: str) -> list[tuple[int, int]]:
    years = sorted({int(y) for y in years_of(tahun)})
    ranges: list[tuple[int, int]] = []
    for y in years:
        if ranges and ranges[-1][1] + 1 == y:
            ranges[-1] = (ranges[-1][0], y)
        else:
            ranges.append((y, y))
    return ranges


def _text(value: Any) -> str:
    """A literal as our schemas store it (decimals without exponent or trailing ``.0``)."""
    if isinstance(value, Literal) and value.datatype == XSD.decimal:
        return format_amount(Decimal(str(value)))
    return str(value)


class SatuDataProfile(RDFProfile):
    # ------------------------------------------------------------------ writing
    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        g = self.g
        g.bind("sd", SD)
        dataset_type = dataset_dict.get("type") or "dataset"
        freq = FREQUENCY.get(dataset_dict.get("frekuensi") or "")
        if freq:
            g.set((dataset_ref, DCTERMS.accrualPeriodicity, FREQ[freq]))
        self._temporal(dataset_ref, dataset_dict.get("tahun") or dataset_dict.get("tahun_anggaran") or "")
        self._spatial(dataset_ref, dataset_dict.get("kode_wilayah") or "")
        if dataset_type != "dataset":
            g.add((dataset_ref, SD.dataset_type, Literal(dataset_type)))
        for name, prop, datatype in sd_fields(dataset_type):
            value = dataset_dict.get(name)
            if value in (None, ""):
                continue
            g.add((dataset_ref, prop, Literal(str(value), datatype=datatype)))
        self._contact(dataset_ref, dataset_dict)
        for distribution in g.objects(dataset_ref, DCAT.distribution):
            self._distribution(distribution)

    def _temporal(self, dataset_ref: URIRef, tahun: str) -> None:
        g = self.g
        for existing in list(g.objects(dataset_ref, DCTERMS.temporal)):
            g.remove((dataset_ref, DCTERMS.temporal, existing))
        try:
            ranges = _year_ranges(str(tahun))
        except ValueError:
            return
        for start, end in ranges:
            period = BNode()
            g.add((dataset_ref, DCTERMS.temporal, period))
            g.add((period, RDF.type, DCTERMS.PeriodOfTime))
            g.add((period, DCAT.startDate, Literal(f"{start}-01-01", datatype=XSD.date)))
            g.add((period, DCAT.endDate, Literal(f"{end}-12-31", datatype=XSD.date)))

    def _spatial(self, dataset_ref: URIRef, kode: str) -> None:
        area = portal_reference().areas.get(kode)
        if not area:
            return
        g = self.g
        location = area_iri(area.kode)
        g.add((dataset_ref, DCTERMS.spatial, location))
        g.add((location, RDF.type, DCTERMS.Location))
        g.add((location, DCTERMS.identifier, Literal(area.kode)))
        g.add((location, SKOS.prefLabel, Literal(reference.area_title(area), lang="id")))
        g.add((location, RDFS.label, Literal(reference.area_title(area), lang="id")))

    def _contact(self, dataset_ref: URIRef, dataset_dict: dict[str, Any]) -> None:
        """A contact point for every dataset: its own, else the walidata contact of its organisation."""
        g = self.g
        if (dataset_ref, DCAT.contactPoint, None) in g:
            return
        owner = dataset_dict.get("owner_org") or (dataset_dict.get("organization") or {}).get("id")
        org = next((o for o in all_organisations() if o["id"] == owner), {})
        name = org.get("walidata_nama") or dataset_dict.get("walidata") or tk.config.get("bandaaceh.walidata")
        email = org.get("walidata_email") or tk.config.get("smtp.mail_from")
        if not name:
            return
        contact = BNode()
        g.add((dataset_ref, DCAT.contactPoint, contact))
        g.add((contact, RDF.type, VCARD.Organization))
        g.add((contact, VCARD.fn, Literal(name)))
        if email:
            g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{email}")))

    def _distribution(self, distribution: Any) -> None:
        g = self.g
        fmt = g.value(distribution, DCTERMS["format"])
        if isinstance(fmt, Literal):
            known = FORMATS.get(str(fmt).strip().upper())
            if known:
                g.remove((distribution, DCTERMS["format"], fmt))
                g.add((distribution, DCTERMS["format"], FILE_TYPE[known[0]]))
                g.add((FILE_TYPE[known[0]], RDF.type, DCTERMS.MediaTypeOrExtent))
                media = g.value(distribution, DCAT.mediaType)
                if media is None or isinstance(media, Literal):
                    if media is not None:
                        g.remove((distribution, DCAT.mediaType, media))
                    g.add((distribution, DCAT.mediaType, URIRef(IANA + known[1])))
                    g.add((URIRef(IANA + known[1]), RDF.type, DCTERMS.MediaType))
        media = g.value(distribution, DCAT.mediaType)
        if isinstance(media, Literal) and re.fullmatch(r"[\w.+-]+/[\w.+-]+", str(media)):
            g.remove((distribution, DCAT.mediaType, media))
            g.add((distribution, DCAT.mediaType, URIRef(IANA + str(media))))
        for checksum in g.objects(distribution, SPDX.checksum):
            if g.value(checksum, SPDX.algorithm) is None:
                value = str(g.value(checksum, SPDX.checksumValue) or "")
                if re.fullmatch(r"[0-9a-f]{64}", value):
                    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))

    def graph_from_catalog(self, catalog_dict: dict[str, Any] | None, catalog_ref: URIRef) -> None:
        g = self.g
        g.bind("sd", SD)
        walidata = tk.config.get("bandaaceh.walidata")
        if walidata and (catalog_ref, DCTERMS.publisher, None) not in g:
            publisher = BNode()
            g.add((catalog_ref, DCTERMS.publisher, publisher))
            g.add((publisher, RDF.type, FOAF.Agent))
            g.add((publisher, FOAF.name, Literal(walidata)))
        if walidata and (catalog_ref, DCAT.contactPoint, None) not in g:
            contact = BNode()
            g.add((catalog_ref, DCAT.contactPoint, contact))
            g.add((contact, RDF.type, VCARD.Organization))
            g.add((contact, VCARD.fn, Literal(walidata)))
            if tk.config.get("smtp.mail_from"):
                g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{tk.config.get('smtp.mail_from')}")))

    # ------------------------------------------------------------------ reading
    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> dict[str, Any]:
        g = self.g
        freq = self._object(dataset_ref, DCTERMS.accrualPeriodicity)
        by_uri = {str(FREQ[v]): k for k, v in FREQUENCY.items()}
        if freq is not None and str(freq) in by_uri:
            dataset_dict["frekuensi"] = by_uri[str(freq)]
        areas = portal_reference().areas
        for location in g.objects(dataset_ref, DCTERMS.spatial):
            code = g.value(location, DCTERMS.identifier)
            if code is not None and str(code) in areas:
                dataset_dict["kode_wilayah"] = str(code)
        present = {p: _text(o) for p, o in g.predicate_objects(dataset_ref) if str(p).startswith(str(SD))}
        dataset_type = present.pop(SD.dataset_type, None) or "dataset"
        if dataset_type != "dataset" and tk.h.scheming_get_dataset_schema(dataset_type):
            dataset_dict["type"] = dataset_type  # a portal with our schemas (never a vanilla peer)
        names = {f["field_name"] for f in _schema_fields(dataset_type)}
        for p, value in present.items():
            name = p[len(str(SD)):]
            if name in names:
                dataset_dict[name] = value
        year_field = "tahun" if "tahun" in names else "tahun_anggaran" if "tahun_anggaran" in names else None
        if year_field and not dataset_dict.get(year_field):
            ranges = []
            for period in g.objects(dataset_ref, DCTERMS.temporal):
                start, end = g.value(period, DCAT.startDate), g.value(period, DCAT.endDate)
                if start is not None and end is not None:
                    a, b = str(start)[:4], str(end)[:4]
                    ranges.append((a, b))
            if ranges:
                dataset_dict[year_field] = ", ".join(a if a == b else f"{a}-{b}" for a, b in sorted(ranges))
        by_file_type = {str(FILE_TYPE[v[0]]): k for k, v in FORMATS.items()}
        for resource in dataset_dict.get("resources", []):
            fmt = resource.get("format") or ""
            if fmt in by_file_type:
                resource["format"] = by_file_type[fmt]
            mimetype = resource.get("mimetype") or ""
            if mimetype.startswith(IANA):
                resource["mimetype"] = mimetype[len(IANA):]
        return dataset_dict
