"""reference.fingerprint: the same for the same lists wherever they are, another after a change."""
import shutil

from ckanext.bandaaceh import reference


def _copy(target):
    shutil.copytree(reference.DEFAULT_CONFIG_DIR / "reference", target / "reference")
    shutil.copy(reference.DEFAULT_CONFIG_DIR / "skpd.yaml", target / "skpd.yaml")
    return target


def test_fingerprint_follows_the_contents_of_the_lists(tmp_path):
    one, two = _copy(tmp_path / "one"), _copy(tmp_path / "two")
    assert reference.fingerprint(one) == reference.fingerprint(two) == reference.fingerprint(reference.DEFAULT_CONFIG_DIR)
    wilayah = two / "reference" / reference.REFERENCE_FILES["wilayah"]
    before = reference.fingerprint(two)
    text = wilayah.read_text(encoding="utf-8")
    gampong = reference.load(two).gampong_list()[0]
    wilayah.write_text(text.replace(gampong.nama, gampong.nama + " Baru", 1), encoding="utf-8")
    assert reference.fingerprint(two) != before  # read again after the change, like load()
    assert reference.load(two).areas[gampong.kode].nama == gampong.nama + " Baru"
    assert reference.fingerprint(one) == before
