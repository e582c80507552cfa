#!/usr/bin/env python3
"""Tests of scripts/build_catalogs.py: the builders on a tiny synthetic copy of each source, and the invariants
of the committed catalogs in resources/catalogs.

Run: python3 tests/scripts/test_build_catalogs.py [-v]   (CTest: test_build_catalogs)
"""

import lzma
import os
import sys
import tempfile
import unittest
from pathlib import Path

SOURCE_DIR = Path(os.environ.get("FC_SOURCE_DIR", Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(SOURCE_DIR / "scripts"))

import build_catalogs as bc  # noqa: E402


def order_line(number, code, billable, short, long):
    """One line of the fixed-width CMS order file."""
    return f"{number:05d} {code:<7} {int(billable)} {short:<60} {long}\r\n"


TABULAR_XML = """<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <version>2021</version>
  <chapter>
    <name>1</name>
    <desc>Certain infectious and parasitic diseases (A00-B99)</desc>
    <section id="A00-A09">
      <desc>Intestinal infectious diseases (A00-A09)</desc>
      <diag><name>A00</name><desc>Cholera</desc></diag>
    </section>
    <section id="B10">
      <desc>Other human herpesviruses (B10)</desc>
      <diag><name>B10</name><desc>Other human herpesviruses</desc></diag>
    </section>
  </chapter>
</ICD10CM.tabular>
"""

PCS_XML = """<?xml version="1.0" encoding="utf-8"?>
<ICD10PCS.tabular>
  <pcsTable>
    <axis pos="1" values="1"><title>Section</title><label code="0">Medical and Surgical</label></axis>
    <axis pos="2" values="1"><title>Body System</title><label code="D">Gastrointestinal System</label></axis>
    <axis pos="3" values="1"><title>Operation</title><label code="T">Resection</label></axis>
    <pcsRow codes="{codes}">
      <axis pos="4" values="1"><title>Body Part</title><label code="J">Appendix</label></axis>
      <axis pos="5" values="2"><title>Approach</title>
        <label code="0">Open</label><label code="4">Percutaneous Endoscopic</label></axis>
      <axis pos="6" values="1"><title>Device</title><label code="Z">No Device</label></axis>
      <axis pos="7" values="2"><title>Qualifier</title>
        <label code="Z">No Qualifier</label><label code="X">Diagnostic</label></axis>
    </pcsRow>
  </pcsTable>
  <pcsTable>
    <axis pos="1" values="1"><title>Section</title><label code="B">Imaging</label></axis>
    <axis pos="2" values="1"><title>Body System</title><label code="W">Anatomical Regions</label></axis>
    <axis pos="3" values="1"><title>Type</title><label code="0">Plain Radiography</label></axis>
    <pcsRow codes="1">
      <axis pos="4" values="1"><title>Body Part</title><label code="3">Chest</label></axis>
      <axis pos="5" values="1"><title>Contrast</title><label code="Z">None</label></axis>
      <axis pos="6" values="1"><title>Qualifier</title><label code="Z">None</label></axis>
      <axis pos="7" values="1"><title>Qualifier</title><label code="Z">None</label></axis>
    </pcsRow>
  </pcsTable>
</ICD10PCS.tabular>
"""

CAML = "\n".join([
    "@\tICD9 Hierarchy Root",
    "00-99.99\tPROCEDURES",
    "35-39.99\tOPERATIONS ON THE CARDIOVASCULAR SYSTEM",
    "38\tIncision, excision, and occlusion of vessels",
    "38.9\tPuncture of vessel",
    "38.93\tVenous catheterization, not elsewhere classified",
    "001-999.99\tDISEASES AND INJURIES",
    "380-389.99\tDISEASES OF THE EAR AND MASTOID PROCESS",
    "386\tVertiginous syndromes and other disorders of vestibular system",
    "386.0\tMeniere's disease",
    "386.00\tMeniere's disease, unspecified",
    "386.99\tA retired code",
    "V01-V86.99\tSUPPLEMENTARY CLASSIFICATION",
    "V58\tEncounter for other procedures and aftercare",
    "V58.6\tLong-term (current) drug use",
]) + "\n"


class SyntheticSources(unittest.TestCase):
    """The builders on hand-written miniatures of the real files (same layout as ../shared/data)."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.data = Path(self.tmp.name)
        cm = self.data / "icd10cm_2021"
        cm.mkdir()
        order = "".join([
            order_line(1, "A00", False, "Cholera", "Cholera"),
            order_line(2, "A000", True, "Cholera due to Vibrio cholerae 01, biovar cholerae",
                       "Cholera due to Vibrio cholerae 01, biovar cholerae"),
            order_line(3, "A01", False, "Typhoid and paratyphoid fevers", "Typhoid and paratyphoid fevers"),
            order_line(4, "A010", False, "Typhoid fever", "Typhoid fever"),
            order_line(5, "A0100", True, "Typhoid fever, unspecified", "Typhoid fever, unspecified"),
            order_line(6, "A0103", True, "Typhoid pneumonia", "Typhoid pneumonia"),
            order_line(7, "B10", False, "Other human herpesviruses", "Other human herpesviruses"),
            order_line(8, "B1001", True, "Human herpesvirus 6 encephalitis", "Human herpesvirus 6 encephalitis"),
            order_line(9, "B1009", True, "Oth human herpesvirus encephalitis",
                       "Other human herpesvirus encephalitis"),
        ])
        self.write_xz(cm / "icd10cm-order-Jan-2021.txt.xz", order)
        self.write_xz(cm / "icd10cm_tabular_2021.xml.xz", TABULAR_XML)
        hierarchy = self.data / "icd10cm_hierarchy_2026"
        hierarchy.mkdir()
        (hierarchy / "icd10cm-sections-April-1-2026.csv").write_text(
            "section_range,chapter,description\nA00-A09,1,Intestinal infectious diseases (A00-A09)\n"
            "B10,1,Other human herpesviruses (B10)\n")
        # A01 is not in the miniature 2021 XML: the 2026 CSV places it (the fallback path).
        (hierarchy / "icd10cm-categories-April-1-2026.csv").write_text(
            "ICD10-CM-CODE,description,section,chapter\nA00,Cholera,A00-A09,1\n"
            "A01,Typhoid and paratyphoid fevers,A00-A09,1\nB10,Other human herpesviruses,B10,1\n")
        pcs = self.data / "icd10pcs_tables_2020"
        pcs.mkdir()
        self.write_xz(pcs / "icd10pcs_tables_2020.xml.xz", PCS_XML.replace("{codes}", "4"))
        icd9 = self.data / "icd9cm_v32_cms"
        icd9.mkdir()
        (icd9 / "CMS32_DESC_LONG_DX.txt").write_bytes(
            "38600 M\u00e9ni\u00e8re's disease, unspecified\nV5861 Long-term (current) use of anticoagulants\n"
            "E0000 Civilian activity done for income or pay\n".encode("iso-8859-1"))
        (icd9 / "CMS32_DESC_SHORT_DX.txt").write_bytes(
            b"38600 Meniere's disease NOS\nV5861 Long-term use anticoagul\nE0000 Civilian activity-income\n")
        (icd9 / "CMS32_DESC_LONG_SG.txt").write_bytes(b"3893 Venous catheterization, not elsewhere classified\n")
        (icd9 / "CMS32_DESC_SHORT_SG.txt").write_bytes(b"3893 Venous cath NEC\n")
        caml = self.data / "icd9_descriptions_caml"
        caml.mkdir()
        (caml / "ICD9_descriptions").write_text(CAML)

    def tearDown(self):
        self.tmp.cleanup()

    @staticmethod
    def write_xz(path, text):
        with lzma.open(path, "wb") as f:
            f.write(text.encode("utf-8"))

    @staticmethod
    def by_code(rows):
        return {row.code: row for row in rows}

    def roundtrip(self, catalog):
        """catalog_text -> pack -> unpack gives back the text, and the rows parse with resolved '^'."""
        text = bc.catalog_text(catalog)
        self.assertEqual(bc.unpack(bc.pack(text)), text)
        lines = text.splitlines()
        self.assertEqual(lines[0], "@format\tfusioncoder-catalog\t1")
        self.assertIn(f"@system\t{catalog.system}", lines)
        resolved = {}
        entry_rows = [line.split("\t") for line in lines if line.startswith("E\t")]
        self.assertEqual([row[1] for row in entry_rows], sorted(row[1] for row in entry_rows))
        for _, code, _, parent, short, long in entry_rows:
            if short.startswith("^"):
                short = resolved[parent][0] + short[1:]
            if long.startswith("^"):
                long = resolved[parent][1] + long[1:]
            resolved[code] = (short, long or short)
        return resolved

    def test_icd10cm(self):
        catalog = bc.build_icd10cm(self.data)
        entries = self.by_code(catalog.entries)
        self.assertEqual(len(entries), 9)
        self.assertEqual(sorted(entries), ["A00", "A00.0", "A01", "A01.0", "A01.00", "A01.03", "B10", "B10.01",
                                           "B10.09"])
        self.assertFalse(entries["A01.0"].billable)
        self.assertTrue(entries["A01.03"].billable)
        self.assertEqual(entries["A01.03"].parent, "A01.0")
        self.assertEqual(entries["A00"].parent, "A00-A09")
        self.assertEqual(entries["A01"].parent, "A00-A09")  # from the 2026 CSV
        self.assertEqual(entries["B10"].parent, "B10-B10")  # one-category section, keyed as a range
        self.assertEqual(entries["B10.09"].short, "Oth human herpesvirus encephalitis")
        self.assertEqual(entries["B10.09"].long, "Other human herpesvirus encephalitis")
        groups = self.by_code(catalog.groups)
        self.assertEqual(groups["A00-B99"].kind, "chapter")
        self.assertEqual(groups["A00-B99"].title, "Certain infectious and parasitic diseases")
        self.assertEqual(groups["A00-A09"].parent, "A00-B99")
        self.assertEqual(groups["A00-A09"].title, "Intestinal infectious diseases")
        resolved = self.roundtrip(catalog)
        self.assertEqual(resolved["A01.00"], ("Typhoid fever, unspecified", "Typhoid fever, unspecified"))
        self.assertIn("E\tA01.00\t1\tA01.0\t^, unspecified\t", bc.catalog_text(catalog))

    def test_icd10cm_bad_order_line(self):
        self.write_xz(self.data / "icd10cm_2021" / "icd10cm-order-Jan-2021.txt.xz", "00001 A00 x Cholera\r\n")
        with self.assertRaisesRegex(bc.CatalogError, r"order-Jan-2021.txt.xz:1"):
            bc.build_icd10cm(self.data)

    def test_icd10pcs(self):
        catalog = bc.build_icd10pcs(self.data)
        entries = self.by_code(catalog.entries)
        billable = sorted(code for code, entry in entries.items() if entry.billable)
        self.assertEqual(billable, ["0DTJ0ZX", "0DTJ0ZZ", "0DTJ4ZX", "0DTJ4ZZ", "BW03ZZZ"])
        self.assertTrue(all(len(code) == 7 for code in billable))
        self.assertEqual(sorted(code for code, entry in entries.items() if not entry.billable),
                         ["0DT", "0DTJ", "BW0", "BW03"])
        self.assertEqual(entries["0DTJ4ZZ"].short, "Resection of Appendix, Percutaneous Endoscopic Approach")
        self.assertEqual(entries["0DTJ4ZZ"].long, "Medical and Surgical; Gastrointestinal System; Resection; "
                                                  "Appendix; Percutaneous Endoscopic; No Device; No Qualifier")
        self.assertEqual(entries["0DTJ0ZX"].short, "Resection of Appendix, Diagnostic, Open Approach")
        self.assertEqual(entries["0DTJ"].short, "Resection of Appendix")
        self.assertEqual(entries["0DTJ"].parent, "0DT")
        self.assertEqual(entries["0DT"].short, "Resection (Gastrointestinal System)")
        self.assertEqual(entries["0DT"].parent, "0D")
        self.assertEqual(entries["BW03ZZZ"].short, "Plain Radiography of Chest")
        groups = self.by_code(catalog.groups)
        self.assertEqual((groups["0D"].kind, groups["0D"].parent, groups["0D"].title),
                         ("body-system", "0", "Gastrointestinal System"))
        resolved = self.roundtrip(catalog)
        self.assertEqual(resolved["0DTJ4ZZ"][0], entries["0DTJ4ZZ"].short)
        self.assertEqual(resolved["0DTJ4ZZ"][1], entries["0DTJ4ZZ"].long)

    def test_icd10pcs_row_count_mismatch(self):
        self.write_xz(self.data / "icd10pcs_tables_2020" / "icd10pcs_tables_2020.xml.xz",
                      PCS_XML.replace("{codes}", "5"))
        with self.assertRaisesRegex(bc.CatalogError, "gives 4 codes, says 5"):
            bc.build_icd10pcs(self.data)

    def test_icd9_diagnoses(self):
        catalog = bc.build_icd9(self.data, procedures=False)
        entries = self.by_code(catalog.entries)
        self.assertEqual(sorted(entries), ["386", "386.0", "386.00", "E000.0", "V58", "V58.6", "V58.61"])
        self.assertNotIn("386.99", entries)  # a CAML code that is no v32 code and no prefix of one
        self.assertEqual(entries["386.00"].long, "M\u00e9ni\u00e8re's disease, unspecified")  # ISO-8859-1 source
        self.assertEqual(entries["386.00"].short, "Meniere's disease NOS")
        self.assertEqual(entries["386.00"].parent, "386.0")
        self.assertFalse(entries["386"].billable)
        self.assertEqual(entries["386"].parent, "380-389")
        self.assertEqual(entries["V58.61"].parent, "V58.6")
        self.assertEqual(entries["E000.0"].parent, "")  # in no CAML range: at the root
        groups = self.by_code(catalog.groups)
        self.assertEqual(groups["380-389"].parent, "001-999")
        self.assertNotIn("00-99", groups)  # procedure ranges belong to icd-9-pcs
        self.roundtrip(catalog)

    def test_icd9_procedures(self):
        catalog = bc.build_icd9(self.data, procedures=True)
        entries = self.by_code(catalog.entries)
        self.assertEqual(sorted(entries), ["38", "38.9", "38.93"])
        self.assertEqual(entries["38.93"].short, "Venous cath NEC")
        self.assertEqual(entries["38"].parent, "35-39")
        self.assertEqual([g.code for g in catalog.groups], ["00-99", "35-39"])
        self.roundtrip(catalog)

    def test_inherit_splits_only_between_words(self):
        self.assertEqual(bc.inherit("Fall on stairs", "Fall"), "^ on stairs")
        self.assertEqual(bc.inherit("Falls", "Fall"), "Falls")
        self.assertEqual(bc.inherit("Fall", "Fall"), "Fall")
        self.assertEqual(bc.inherit("Other", ""), "Other")

    def test_invariants_are_enforced(self):
        catalog = bc.build_icd9(self.data, procedures=True)
        catalog.entries.append(bc.Entry("38.93", True, "38.9", "again", ""))
        with self.assertRaisesRegex(bc.CatalogError, "duplicate codes"):
            bc.catalog_text(catalog)
        catalog.entries.pop()
        catalog.entries.append(bc.Entry("38.94", True, "38.8", "orphan", ""))
        with self.assertRaisesRegex(bc.CatalogError, "unknown parent"):
            bc.catalog_text(catalog)
        catalog.entries[-1] = bc.Entry("38.94", True, "38.9", "a\ttab", "")
        with self.assertRaisesRegex(bc.CatalogError, "TAB"):
            bc.catalog_text(catalog)

    def test_main_writes_and_checks(self):
        out = self.data / "out"
        self.assertEqual(bc.main(["--data", str(self.data), "--out", str(out), "--systems", "icd-9-pcs"]), 0)
        self.assertTrue((out / "icd-9-pcs.tsv.qz").exists())
        self.assertEqual(bc.main(["--data", str(self.data), "--out", str(out), "--systems", "icd-9-pcs",
                                  "--check"]), 0)
        (out / "icd-9-pcs.tsv.qz").write_bytes(bc.pack("@format\tfusioncoder-catalog\t1\n"))
        self.assertEqual(bc.main(["--data", str(self.data), "--out", str(out), "--systems", "icd-9-pcs",
                                  "--check"]), 1)


class CommittedCatalogs(unittest.TestCase):
    """Invariants of the files in resources/catalogs, as the C++ loader expects them."""

    EXPECTED = {  # system: (codes, billable), see the SOURCE.md files and the build report
        "icd-10-cm": (95358, 72621),
        "icd-10-pcs": (90139, 77559),
        "icd-9-cm": (17434, 14567),
        "icd-9-pcs": (4641, 3882),
    }

    def test_files(self):
        total = 0
        for system, (codes, billable) in self.EXPECTED.items():
            with self.subTest(system=system):
                path = SOURCE_DIR / "resources" / "catalogs" / f"{system}.tsv.qz"
                total += path.stat().st_size
                lines = bc.unpack(path.read_bytes()).split("\n")
                self.assertEqual(lines[-1], "")
                header = dict(line[1:].split("\t", 1) for line in lines if line.startswith("@"))
                self.assertEqual(header["format"], "fusioncoder-catalog\t1")
                self.assertEqual(header["system"], system)
                groups = [line.split("\t") for line in lines if line.startswith("G\t")]
                entries = [line.split("\t") for line in lines if line.startswith("E\t")]
                self.assertTrue(all(len(row) == 5 for row in groups))
                self.assertTrue(all(len(row) == 6 for row in entries))
                self.assertEqual(int(header["groups"]), len(groups))
                self.assertEqual(int(header["entries"]), len(entries))
                self.assertEqual(len(entries), codes)
                self.assertEqual(sum(row[2] == "1" for row in entries), billable)
                entry_codes = [row[1] for row in entries]
                self.assertEqual(entry_codes, sorted(set(entry_codes)))  # sorted, no duplicates
                group_codes = {row[1] for row in groups}
                self.assertFalse(group_codes & set(entry_codes))
                seen_groups = set()
                for _, code, parent, kind, title in groups:
                    self.assertTrue(not parent or parent in seen_groups, code)
                    self.assertTrue(kind and title, code)
                    seen_groups.add(code)
                known = set()
                for _, code, flag, parent, short, long in entries:
                    self.assertIn(flag, ("0", "1"))
                    self.assertTrue(short, code)
                    if parent and parent not in group_codes:
                        self.assertIn(parent, known, code)
                        self.assertTrue(code.startswith(parent), code)
                    elif short.startswith("^") or long.startswith("^"):
                        self.fail(f"{code} continues the text of a parent that is no code")
                    known.add(code)
                if system == "icd-10-pcs":
                    self.assertTrue(all(len(row[1]) == 7 for row in entries if row[2] == "1"))
                    self.assertTrue(all(len(row[1]) in (3, 4) for row in entries if row[2] == "0"))
                    self.assertTrue(all("." not in code for code in entry_codes))
                if system == "icd-10-cm":
                    self.assertTrue(all(len(code) == 3 or code[3] == "." for code in entry_codes))
                if system == "icd-9-pcs":
                    self.assertTrue(all(len(code) == 2 or code[2] == "." for code in entry_codes))
        self.assertLess(total, 4 * 1024 * 1024)


if __name__ == "__main__":
    unittest.main()
