#!/usr/bin/env bash
# Sample spreadsheets for the local portal (called by scripts/portal.sh, i.e. `make portal`):
# serve tests/fixtures/harvest/samples/ on http://127.0.0.1:8765, declare the sample harvest
# sources of harvesters/samples/*.yaml (Dinkes, Disdukcapil, Bappeda) and harvest them once;
# import the sample APBG of Gampong Kampung Baru (tests/fixtures/apbdes/); load 12 months of
# generated complaint figures per channel (datasets titled [CONTOH], never shown as real data);
# then this month's Rapor SKPD snapshot (ckan bandaaceh satudata rapor-snapshot).
# Satu Data states of the samples: Bappeda's are published (auto_terbit), Dinkes' and Disdukcapil's
# wait in /walidata (diajukan), and one Dinkes dataset is returned to its produsen with a reason.
# Idempotent: a second run finds the sources and the spreadsheets unchanged.
#   scripts/portal-samples.sh          sync + harvest once (starts a temporary server if none runs)
#   scripts/portal-samples.sh serve    the sample server in the foreground (Procfile "samples:")
set -euo pipefail
source "$(dirname "$0")/lib.sh"
PORT="${BANDAACEH_SAMPLES_PORT:-8765}"
DIR="$REPO/tests/fixtures/harvest/samples"
INI="${CKAN_INI:-$REPO/ckan.ini}"

serving() { curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$PORT/dinkes/imunisasi-2024.xlsx" 2>/dev/null; }

case "${1:-once}" in
  serve)
    exec "$PYTHON" -m http.server --bind 127.0.0.1 --directory "$DIR" "$PORT"
    ;;
  once)
    pid=""
    if ! serving; then
      mkdir -p "$VAR/log"
      "$PYTHON" -m http.server --bind 127.0.0.1 --directory "$DIR" "$PORT" >>"$VAR/log/samples-server.log" 2>&1 &
      pid=$!
      trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT
      for _ in $(seq 50); do serving && break; sleep 0.1; done
      serving || say "Sample server did not start on 127.0.0.1:$PORT (port in use?): the harvest below will fail"
    fi
    say "Sample harvest sources (harvesters/samples)"
    "$CKAN" -c "$INI" bandaaceh harvesters sync --dir "$REPO/harvesters/samples" \
      || say "Some sample sources could not be declared (see above)"
    say "Harvesting the sample spreadsheets once"
    "$CKAN" -c "$INI" bandaaceh harvesters run spreadsheet-dinkes spreadsheet-disdukcapil spreadsheet-bappeda \
      || say "Some sample spreadsheets failed (see above); the portal starts anyway"
    say "Returning one sample dataset to Dinkes (Satu Data state dikembalikan)"
    "$VENV/bin/ckanapi" action satudata_kembalikan -c "$INI" id=contoh-sekolah-per-kecamatan-2024 \
      alasan="Contoh: lengkapi standar data (konsep, definisi, klasifikasi, ukuran) dan deskripsi kolom di kamus data" \
      >/dev/null 2>&1 || true  # already returned (second run) or not harvested
    say "Sample APBG of Gampong Kampung Baru 2025 (budget and realisation)"
    for f in penjabaran.xlsx realisasi.xlsx; do
      "$CKAN" -c "$INI" bandaaceh apbdes import "$REPO/tests/fixtures/apbdes/$f" \
        --gampong 11.71.01.2001 --tahun 2025 2>/dev/null | tail -n 1 \
        || say "Sample APBG $f could not be imported (see above)"
    done
    say "Sample complaint figures (SP4N-LAPOR!, SUWARGA, SMS LPM), labelled [CONTOH]"
    "$CKAN" -c "$INI" bandaaceh pengaduan contoh \
      || say "The sample complaint figures could not be loaded (see above)"
    say "Rapor SKPD: this month's figures into its monthly history"
    "$CKAN" -c "$INI" bandaaceh satudata rapor-snapshot \
      || say "The Rapor SKPD snapshot failed (see above)"
    ;;
  *) echo "usage: $0 [once|serve]" >&2; exit 2 ;;
esac
