"""A SUWARGA case-level export whose figures are counted by hand (working days of the 2025
calendar, national holidays and cuti bersama), with a name column; used by the import, web,
harvest and browser tests."""
from __future__ import annotations

import datetime as dt

__all__ = ["HEADER", "JULY", "AUGUST"]

D = dt.date
HEADER = ["No", "Tanggal Laporan", "Nama Pelapor", "Kategori", "Instansi Tujuan", "Status", "Tanggal Tanggapan",
          "Tanggal Selesai"]
# working days to first response / to closure in the comments
JULY = [[1, D(2025, 7, 7), "Teuku A", "Jalan", "Dinas PUPR", "Selesai", D(2025, 7, 10), D(2025, 7, 21)],   # 3 / 10
        [2, D(2025, 7, 8), "Cut B", "Jalan", "Dinas PUPR", "Selesai", D(2025, 7, 8), D(2025, 7, 11)],      # 0 / 3
        [3, D(2025, 7, 14), "Nyak C", "Jalan", "Dinas PUPR", "Selesai", D(2025, 7, 21), D(2025, 7, 28)]]   # 5 / 10
AUGUST = [[4, D(2025, 8, 15), "Ampon D", "Banjir", "BPBD", "Proses", D(2025, 8, 19), None]]                  # 1 (17 Aug, cuti 18 Aug)
