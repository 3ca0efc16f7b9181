"""Sample exports of the three channels for the README's portal: 12 months of generated cases,
clearly labelled as sample data (the datasets are titled ``[CONTOH]``). The SP4N-LAPOR! sample is
a city-wide export naming six SKPD (by their titles in ``config/skpd.yaml``), each with complaints
every month: imported by the site user, it is split into each SKPD's own dataset."""
from __future__ import annotations

import datetime as dt
import io
import random

import openpyxl

__all__ = ["SKPD", "KATEGORI", "sample_export"]

SKPD = ["Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas Kesehatan", "Dinas Lingkungan Hidup, Kebersihan dan "
        "Keindahan Kota", "Dinas Perhubungan", "Dinas Kependudukan dan Pencatatan Sipil", "Badan Penanggulangan "
        "Bencana Daerah"]
KATEGORI = ["Jalan dan Drainase", "Kesehatan", "Sampah dan Kebersihan", "Lalu Lintas", "Administrasi Kependudukan",
            "Banjir dan Bencana"]
HEADER = ["No", "Tanggal Masuk", "Kategori", "Instansi Tujuan", "Status", "Tanggal Respon", "Tanggal Selesai",
          "Diteruskan ke LAPOR"]


def sample_export(kanal: str, year: int, seed: int = 2025) -> bytes:
    """An xlsx export of ``kanal`` for ``year``: 20-60 generated cases a month (SP4N-LAPOR!: 3-10
    per SKPD and month), no personal data."""
    rng = random.Random(f"{kanal}-{year}-{seed}")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([f"DATA CONTOH - EKSPOR {kanal.upper()} {year}"])
    ws.append([])
    ws.append(HEADER)
    n = 0
    for month in range(1, 13):
        # SP4N-LAPOR!: every SKPD gets complaints every month (each SKPD's own dataset has 12 months)
        targets = ([k for k in range(len(SKPD)) for _ in range(rng.randint(3, 10))] if kanal == "lapor"
                   else [None] * rng.randint(20, 60))
        for target in targets:
            n += 1
            masuk = dt.date(year, month, rng.randint(1, 28))
            k = rng.randrange(len(SKPD)) if target is None else target
            respon = masuk + dt.timedelta(days=rng.choice([0, 1, 1, 2, 3, 4, 6, 9]))
            closed = respon + dt.timedelta(days=rng.choice([1, 3, 5, 8, 14])) if rng.random() < 0.75 else None
            status = "Selesai" if closed else rng.choice(["Proses", "Diteruskan", "Baru"])
            ws.append([n, masuk, KATEGORI[k], SKPD[k], status, respon if status != "Baru" else None, closed,
                       "Ya" if kanal == "lapor" or rng.random() < 0.2 else "Tidak"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
