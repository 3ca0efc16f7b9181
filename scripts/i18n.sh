#!/usr/bin/env bash
# Translations of the extension: gettext domain ckanext-bandaaceh, catalogues in
# ckanext-bandaaceh/ckanext/bandaaceh/i18n/{id,en}/LC_MESSAGES/ (CKAN merges them over its own).
#   scripts/i18n.sh extract   collect the msgids of our code (python _()/tk._(), Jinja templates,
#                             asset JS; mapping in babel.cfg) into i18n/ckanext-bandaaceh.pot and
#                             merge new ones into both catalogues, keeping existing translations:
#                               en  new msgids arrive empty: translate them to English;
#                               id  our msgids are Indonesian already: msgstr is set to the msgid;
#                                   the CKAN-core entries (references under ckan/ or ckanext/<other>/)
#                                   are not in our .pot and are kept as they are.
#   scripts/i18n.sh compile   .po -> .mo (build output, git-ignored; bootstrap.sh runs this)
#   scripts/i18n.sh check     list msgids of our code without an English translation (exit 1 if any)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PYBABEL="$VENV/bin/pybabel"
DOMAIN=ckanext-bandaaceh
PKG_REL=ckanext-bandaaceh/ckanext/bandaaceh
I18N="$REPO/$PKG_REL/i18n"
POT="$I18N/$DOMAIN.pot"

# Replace $2 by $1 unless they differ only in the generation dates (keeps git diffs quiet).
install_if_changed() {  # new old
  if [ -f "$2" ] && diff -q -I '^"POT-Creation-Date: ' -I '^"PO-Revision-Date: ' "$1" "$2" >/dev/null; then
    rm -f "$1"
  else
    mv "$1" "$2"
  fi
}

extract() {
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  cd "$REPO"
  "$PYBABEL" -q extract -F babel.cfg -o "$tmp/$DOMAIN.pot" \
    --project=ckanext-bandaaceh --version=0.1.0 --copyright-holder="Pemerintah Kota Banda Aceh" \
    --add-comments=TRANSLATORS: "$PKG_REL"
  install_if_changed "$tmp/$DOMAIN.pot" "$POT"

  # en: plain merge. New msgids arrive empty (or fuzzy, when close to an old one: review those),
  # vanished ones are dropped.
  mkdir -p "$I18N/en/LC_MESSAGES"
  cp -p "$I18N/en/LC_MESSAGES/$DOMAIN.po" "$tmp/en.po" 2>/dev/null || true
  "$PYBABEL" -q update -i "$POT" -D "$DOMAIN" -l en --init-missing --ignore-obsolete -o "$tmp/en.po"
  install_if_changed "$tmp/en.po" "$I18N/en/LC_MESSAGES/$DOMAIN.po"

  # id: merge against our .pot plus the CKAN-core entries of the id catalogue itself, so that
  # pybabel update keeps them instead of marking them obsolete; then msgstr = msgid for ours.
  local idpo="$I18N/id/LC_MESSAGES/$DOMAIN.po"
  cp -p "$idpo" "$tmp/id.po"
  "$PYTHON" - "$POT" "$tmp/id.po" "$tmp/id-template.pot" <<'EOF'
import sys
from babel.messages.pofile import read_po, write_po
pot_path, po_path, out_path = sys.argv[1:]
own_prefix = "ckanext-bandaaceh/"
with open(pot_path, "rb") as f:
    template = read_po(f)
with open(po_path, "rb") as f:
    catalog = read_po(f)
for msg in catalog:
    core_locations = [loc for loc in msg.locations if not loc[0].startswith(own_prefix)]
    if not msg.id or not core_locations:
        continue
    if msg.id in template:  # a CKAN msgid our code uses too: keep both references
        mine = template[msg.id]
        mine.locations += [loc for loc in core_locations if loc not in mine.locations]
    else:
        template.add(msg.id, locations=msg.locations, flags=msg.flags, auto_comments=msg.auto_comments)
with open(out_path, "wb") as f:
    write_po(f, template)
EOF
  "$PYBABEL" -q update -i "$tmp/id-template.pot" -D "$DOMAIN" -l id --no-fuzzy-matching \
    --ignore-obsolete -o "$tmp/id.po"
  "$PYTHON" - "$tmp/id.po" <<'EOF'
import sys
from babel.messages.pofile import read_po, write_po
path = sys.argv[1]
with open(path, "rb") as f:
    catalog = read_po(f)
for msg in catalog:
    if not msg.id or not any(path.startswith("ckanext-bandaaceh/") for path, _ in msg.locations):
        continue
    if isinstance(msg.id, (list, tuple)):
        if not all(msg.string):
            msg.string = tuple(s or (msg.id[0] if i == 0 else msg.id[1]) for i, s in enumerate(msg.string))
    elif not msg.string:
        msg.string = msg.id
with open(path, "wb") as f:
    write_po(f, catalog)
EOF
  install_if_changed "$tmp/id.po" "$idpo"
  check || true
}

compile() {
  local loc
  for loc in id en; do
    "$PYBABEL" -q compile --statistics -d "$I18N" -D "$DOMAIN" -l "$loc"
  done
}

check() {
  "$PYTHON" - "$I18N/en/LC_MESSAGES/$DOMAIN.po" <<'EOF'
import sys
from babel.messages.pofile import read_po
with open(sys.argv[1], "rb") as f:
    catalog = read_po(f)
todo = [m for m in catalog if m.id and (not all(m.string) if isinstance(m.id, (list, tuple)) else not m.string)
        or (m.id and m.fuzzy)]
for m in todo:
    print(f"untranslated (en): {m.id!r}  {m.locations[0][0] if m.locations else ''}")
sys.exit(1 if todo else 0)
EOF
}

case "${1:-}" in
  extract) extract ;;
  compile) compile ;;
  check) check ;;
  *) echo "usage: $0 extract|compile|check" >&2; exit 2 ;;
esac
