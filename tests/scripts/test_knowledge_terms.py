#!/usr/bin/env python3
"""Tests of scripts/knowledge-terms on a tiny synthetic copy of its three sources (ICD-10-CM tabular, ICD-10-PCS
index, ICD-10-CM neoplasm table): which terms each dataset code gets.

Run: python3 tests/scripts/test_knowledge_terms.py [-v]   (CTest: test_knowledge_terms)
"""

import json
import lzma
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

SOURCE_DIR = Path(os.environ.get("FC_SOURCE_DIR", Path(__file__).resolve().parents[2]))
SCRIPT = SOURCE_DIR / "scripts" / "knowledge-terms"

TABULAR = """<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular><version>2021</version><chapter><name>2</name><section id="C64-C68">
  <diag><name>C64</name><desc>Malignant neoplasm of kidney, except renal pelvis</desc>
    <diag><name>C64.9</name><desc>Malignant neoplasm of unspecified kidney, except renal pelvis</desc></diag>
  </diag>
  <diag><name>C78</name><desc>Secondary malignant neoplasm of respiratory and digestive organs</desc>
    <diag><name>C78.7</name><desc>Secondary malignant neoplasm of liver and intrahepatic bile duct</desc>
      <inclusionTerm><note>Liver metastases</note></inclusionTerm></diag>
  </diag>
  <diag><name>N28</name><desc>Other disorders of kidney and ureter</desc>
    <diag><name>N28.8</name><desc>Other specified disorders of kidney and ureter</desc>
      <diag><name>N28.89</name><desc>Other specified disorders of kidney and ureter</desc></diag></diag>
  </diag>
</section></chapter></ICD10CM.tabular>
"""

PCS_INDEX = """<?xml version="1.0" encoding="utf-8"?>
<ICD10PCS.index><letter><title>N</title>
  <mainTerm><title>Nephrectomy</title><see>Resection, Urinary System <codes>0TT</codes></see>
    <term level="1"><title>partial</title><codes>0TB0</codes></term>
  </mainTerm>
</letter></ICD10PCS.index>
"""

NEOPLASM = """<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.index><version>2019</version><letter><title>N</title>
  <mainTerm><title>Neoplasm, neoplastic</title><cell col="2">C80.1</cell><cell col="3">C79.9</cell>
    <term level="1"><title>kidney<nemod>(parenchymal)</nemod></title>
      <cell col="2">C64.-</cell><cell col="3">C79.0-</cell><cell col="4">-</cell><cell col="5">D30.0-</cell>
    </term>
    <term level="1"><title>liver, hepatic</title>
      <cell col="2">C22.9</cell><cell col="3">C78.7</cell>
      <term level="2"><title>duct</title><cell col="3">C78.7</cell></term>
    </term>
  </mainTerm>
</letter></ICD10CM.index>
"""


def write_xz(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    with lzma.open(path, "wt", encoding="utf-8") as f:
        f.write(text)


class KnowledgeTermsTest(unittest.TestCase):
    def run_script(self, codes):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            write_xz(tmp / "data" / "icd10cm_2021" / "icd10cm_tabular_2021.xml.xz", TABULAR)
            write_xz(tmp / "data" / "icd10pcs_index_2023" / "icd10pcs_index_2023.xml.xz", PCS_INDEX)
            write_xz(tmp / "data" / "icd10cm_tables_2019" / "icd10cm_neoplasm_2019.xml.xz", NEOPLASM)
            dataset = tmp / "train.jsonl"
            dataset.write_text(json.dumps({"id": "d1", "text": "x", "codes": codes}) + "\n", encoding="utf-8")
            out = tmp / "terms.tsv"
            subprocess.run([sys.executable, str(SCRIPT), "--codes", str(dataset), "--data", str(tmp / "data"),
                            "--out", str(out)], check=True, capture_output=True)
            terms = {}
            for line in out.read_text(encoding="utf-8").splitlines():
                code, term = line.split("\t")
                terms.setdefault(code, []).append(term)
            return terms

    def test_tabular_inclusion_terms_and_parent_title(self):
        terms = self.run_script(["c78.7", "n28.89"])
        self.assertIn("Liver metastases", terms["C78.7"])
        self.assertIn("Secondary malignant neoplasm of respiratory and digestive organs", terms["C78.7"])
        # N28.89's parent in the tabular is N28.8; its own title comes from `descriptions`, not from here.
        self.assertEqual(terms["N28.89"], ["Other specified disorders of kidney and ureter"])

    def test_pcs_index_entries_by_table_prefix(self):
        terms = self.run_script(["0TB00ZZ"])
        self.assertIn("Nephrectomy partial", terms["0TB00ZZ"])
        self.assertNotIn("Nephrectomy", terms["0TB00ZZ"])  # 0TT is another table

    def test_neoplasm_phrases_per_column(self):
        terms = self.run_script(["c64.9", "c78.7", "c79.00", "d30.00", "c22.9"])
        # "C64.-" needs more characters: it names every dataset code it starts.
        self.assertIn("kidney carcinoma", terms["C64.9"])
        self.assertIn("malignant neoplasm of kidney", terms["C64.9"])
        self.assertIn("kidney metastasis", terms["C79.00"])
        self.assertIn("benign neoplasm of kidney", terms["D30.00"])
        # Both names of a site, and a sub-site with its parent's name; the <nemod> part is left out.
        self.assertIn("liver metastasis", terms["C78.7"])
        self.assertIn("hepatic metastasis", terms["C78.7"])
        self.assertIn("liver duct metastasis", terms["C78.7"])
        self.assertIn("hepatic cancer", terms["C22.9"])
        self.assertFalse(any("parenchymal" in t for t in terms["C64.9"]))
        # A primary-column phrase never goes to the secondary code, and "-" cells name no code.
        self.assertNotIn("liver cancer", terms["C78.7"])
        self.assertFalse(any("in situ" in t for ts in terms.values() for t in ts))

    def test_code_outside_every_source_gets_nothing(self):
        self.assertEqual(self.run_script(["z99.89"]), {})


if __name__ == "__main__":
    unittest.main()
