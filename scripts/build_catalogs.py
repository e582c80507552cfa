#!/usr/bin/env python3
"""Builds the code catalogs shipped in resources/catalogs/ from the public CMS/NCHS files in ../shared/data.

Python 3 standard library only. Usage:
    scripts/build_catalogs.py [--data DIR] [--out DIR]      # (re)write the four catalog files, print counts
    scripts/build_catalogs.py --check [--data DIR] [--out DIR]  # exit 1 if a committed file is out of date
Exit status: 0 ok, 1 out of date (--check), 2 bad input data, 3 no --data folder.

One file per code system: <system>.tsv.qz (system = icd-10-cm, icd-10-pcs, icd-9-cm, icd-9-pcs).

Container (".qz" = Qt's qCompress layout, read by app/codecatalog.cpp with qUncompress):
    4-byte big-endian length of the uncompressed text, then one zlib stream (level 9).
    Python: zlib.decompress(data[4:]).decode("utf-8").

Text (UTF-8, LF line ends, fields separated by TAB; no field contains a TAB or a line break):
    @format   fusioncoder-catalog   1          first line, always
    @system   <system id>
    @title    <human-readable name of the release>
    @source   <the data files it was built from>
    @groups   <number of G rows>
    @entries  <number of E rows>
    G  <code>  <parent>  <kind>  <title>
    E  <code>  <billable 0|1>  <parent>  <short description>  <long description, empty = same as short>
  G rows are hierarchy levels that are not codes one can assign (ICD-10-CM chapters and sections, ICD-9 ranges,
  ICD-10-PCS sections and body systems); E rows are codes: billable/valid leaves (1) and headers (0). All G rows
  come first, each after its parent; E rows follow, sorted by code (byte order). <parent> names a G row or an E
  row of the same file; an E parent is a proper prefix of the code (so it precedes it). Empty <parent> = at the
  root (ICD-9 codes newer than the CAML hierarchy). G and E codes never collide.
  A description that starts with '^' continues the parent's description of the same kind: the full text is the
  parent's (resolved) text followed by the rest (parent "Resection of Appendix", child "^, Percutaneous
  Endoscopic Approach"). It is only used when the parent is an E row and the split falls between words; no
  source description starts with '^'.

Sources and how they are used (see each SOURCE.md):
  icd-10-cm  icd10cm_2021/icd10cm-order-Jan-2021.txt: every code, billable flag, short and long title.
             icd10cm_2021/icd10cm_tabular_2021.xml: the 2021 chapters and sections (blocks) and which
             3-character category belongs to which section. icd10cm_hierarchy_2026/*.csv is only a fallback
             for a category the 2021 XML does not place (none in practice) and a cross-check that is printed.
             Codes are shown with a dot after the third character (N44.8). The parent of a code is its
             longest proper prefix that is itself a code; a category's parent is its section, whose parent is
             its chapter. Chapters are keyed by their code range ("A00-B99"), sections by theirs ("A00-A09").
  icd-10-pcs icd10pcs_tables_2020/icd10pcs_tables_2020.xml: every row of every table is expanded into its
             valid 7-character codes (billable). Descriptions are assembled from the axis labels:
               short: CMS-style phrase for tables whose axes 4-7 are Body Part/Approach/Device/Qualifier,
                      "<Operation> of <Body Part>[ with <Device>][, <Qualifier>], <Approach> Approach"
                      (placeholder labels "No Device", "No Qualifier", "None" left out), e.g. 0DTJ4ZZ
                      "Resection of Appendix, Percutaneous Endoscopic Approach"; other sections (imaging,
                      rehabilitation, ...) "<axis 3>[ of <axis 4>], <axis 5>, <axis 6>, <axis 7>" with the
                      same placeholders left out.
               long:  the seven axis labels in axis order joined with "; " (labels themselves contain commas
                      and slashes), e.g. "Medical and Surgical; Gastrointestinal System; Resection; Appendix;
                      Percutaneous Endoscopic; No Device; No Qualifier".
             Headers (not billable): the 3-character tables ("0DT", short "Resection (Gastrointestinal
             System)") and the 4-character table + body part prefixes used by CodiEsp ("0DTJ", short
             "Resection of Appendix"). Groups: the 1-character section ("0") and 2-character body system ("0D").
  icd-9-cm   icd9cm_v32_cms/CMS32_DESC_{LONG,SHORT}_DX.txt: the billable codes (v32 is the final release);
             LONG_DX is ISO-8859-1. icd9_descriptions_caml/ICD9_descriptions: headers (categories and
             subcategories that are a prefix of a v32 code) and the ranges ("390-459 DISEASES OF THE
             CIRCULATORY SYSTEM") as groups. Dots: 3 digits (401.9), V + 2 digits (V58.61), E + 3 digits
             (E888.9). CAML codes that are neither a v32 code nor a prefix of one (retired codes) are left out
             and counted.
  icd-9-pcs  icd9cm_v32_cms/CMS32_DESC_{LONG,SHORT}_SG.txt and the same CAML file; dot after 2 digits (38.93).
"""

import argparse
import csv
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zlib
import lzma
from dataclasses import dataclass, field
from pathlib import Path

FORMAT_VERSION = 1
SYSTEMS = ("icd-10-cm", "icd-10-pcs", "icd-9-cm", "icd-9-pcs")

# The row counts the SOURCE.md files state, printed next to what was built.
SOURCE_COUNTS = {
    "icd-10-cm": {"entries": 95358, "billable": 72621, "headers": 22737},
    "icd-10-pcs": {"billable": 77559},
    "icd-9-cm": {"billable": 14567},
    "icd-9-pcs": {"billable": 3882},
}


class CatalogError(Exception):
    """Bad or inconsistent input data; the message names the file and line when there is one."""


@dataclass
class Group:
    code: str
    parent: str
    kind: str
    title: str


@dataclass
class Entry:
    code: str
    billable: bool
    parent: str
    short: str
    long: str


@dataclass
class Catalog:
    system: str
    title: str
    source: str
    groups: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # lines printed after the counts


def clean_text(text):
    """Collapses whitespace runs (incl. CR, TAB) into one space; the catalog format forbids TAB and LF."""
    return " ".join(text.split())


def read_text(path, encoding="utf-8"):
    path = Path(path)
    if not path.exists() and Path(str(path) + ".xz").exists():
        path = Path(str(path) + ".xz")
    if path.suffix == ".xz":
        with lzma.open(path, "rb") as f:
            return f.read().decode(encoding)
    return path.read_bytes().decode(encoding)


# --------------------------------------------------------------------------------------------- ICD-10-CM

def icd10cm_dotted(code):
    return code if len(code) <= 3 else code[:3] + "." + code[3:]


def read_icd10cm_order(path):
    """Fixed-width CMS order file -> list of (undotted code, billable, short, long)."""
    rows = []
    for number, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        if len(line) < 16 or line[5] != " " or line[14] not in "01":
            raise CatalogError(f"{path}:{number}: not an ICD-10-CM order-file line")
        code = line[6:13].strip()
        if not re.fullmatch(r"[A-Z][0-9][0-9A-Z]{1,5}", code):
            raise CatalogError(f"{path}:{number}: bad code '{code}'")
        rows.append((code, line[14] == "1", clean_text(line[16:76]), clean_text(line[77:])))
    return rows


def range_title(desc):
    """'Intestinal infectious diseases (A00-A09)' -> ('A00-A09', 'Intestinal infectious diseases')."""
    match = re.fullmatch(r"(.*?)\s*\(([A-Z0-9]+-[A-Z0-9]+)\)\s*", clean_text(desc))
    if not match:
        raise CatalogError(f"no code range in '{desc}'")
    return match.group(2), match.group(1)


def read_icd10cm_tabular(path):
    """2021 tabular XML -> (chapters [(range, title)], sections [(range, chapter range, title)],
    {category: section range})."""
    root = ET.fromstring(read_text(path))
    chapters, sections, category_section = [], [], {}
    for chapter in root.iter("chapter"):
        chapter_range, chapter_title = range_title(chapter.findtext("desc"))
        chapters.append((chapter_range, chapter_title))
        for section in chapter.findall("section"):
            # A one-category section ("B10") is keyed "B10-B10" so that it never collides with the code.
            section_id = section.get("id")
            if "-" not in section_id:
                section_id = f"{section_id}-{section_id}"
            title = re.sub(r"\s*\([A-Z0-9-]+\)$", "", clean_text(section.findtext("desc")))
            sections.append((section_id, chapter_range, title))
            for diag in section.findall("diag"):
                category_section[diag.findtext("name").strip()] = section_id
    return chapters, sections, category_section


def read_icd10cm_hierarchy_2026(directory):
    """2026 CSVs -> {category: (section range, section title)} and {section range: chapter number}."""
    directory = Path(directory)
    sections = {}
    with open(directory / "icd10cm-sections-April-1-2026.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            sections[row["section_range"]] = clean_text(row["description"])
    categories = {}
    with open(directory / "icd10cm-categories-April-1-2026.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            section = row["section"] if "-" in row["section"] else f"{row['section']}-{row['section']}"
            categories[row["ICD10-CM-CODE"]] = (section, sections.get(section, section))
    return categories


def build_icd10cm(data):
    order_path = data / "icd10cm_2021" / "icd10cm-order-Jan-2021.txt.xz"
    tabular_path = data / "icd10cm_2021" / "icd10cm_tabular_2021.xml.xz"
    rows = read_icd10cm_order(order_path)
    chapters, sections, category_section = read_icd10cm_tabular(tabular_path)
    hierarchy_2026 = read_icd10cm_hierarchy_2026(data / "icd10cm_hierarchy_2026")

    catalog = Catalog(
        "icd-10-cm",
        "ICD-10-CM FY2021 (January 2021 order file)",
        "icd10cm-order-Jan-2021.txt, icd10cm_tabular_2021.xml, icd10cm-*-April-1-2026.csv (fallback)")
    for chapter_range, title in chapters:
        catalog.groups.append(Group(chapter_range, "", "chapter", title))
    known_sections = set()
    for section_range, chapter_range, title in sections:
        catalog.groups.append(Group(section_range, chapter_range, "section", title))
        known_sections.add(section_range)

    codes = {row[0] for row in rows}
    if len(codes) != len(rows):
        raise CatalogError(f"{order_path}: duplicate codes")
    fallback, differs = [], 0
    for code, billable, short, long in rows:
        if len(code) == 3:
            section = category_section.get(code)
            if section is None:
                if code not in hierarchy_2026:
                    raise CatalogError(f"{order_path}: category {code} is in no 2021 or 2026 section")
                section, title = hierarchy_2026[code]
                if section not in known_sections:
                    raise CatalogError(f"2026 section {section} of {code} is not a 2021 section")
                fallback.append(code)
            elif code in hierarchy_2026 and hierarchy_2026[code][0] != section:
                differs += 1
            parent = section
        else:
            parent = next((code[:n] for n in range(len(code) - 1, 2, -1) if code[:n] in codes), None)
            if parent is None:
                raise CatalogError(f"{order_path}: {code} has no parent code")
            parent = icd10cm_dotted(parent)
        catalog.entries.append(Entry(icd10cm_dotted(code), billable, parent, short, "" if long == short else long))
    catalog.notes.append(f"hierarchy: 2021 tabular XML ({len(chapters)} chapters, {len(sections)} sections); "
                         f"categories placed from the 2026 CSVs: {len(fallback)}; 2021 categories whose 2026 "
                         f"section differs: {differs}")
    return catalog


# -------------------------------------------------------------------------------------------- ICD-10-PCS

PLACEHOLDER_LABELS = {"No Device", "No Qualifier", "None"}


def axis_labels(axis):
    labels = {}
    for label in axis.findall("label"):
        labels[label.get("code")] = clean_text(label.text or "")
    return labels


def pcs_phrase(titles, labels, length):
    """CMS-style short description of a code (length 7) or a 4-character prefix (length 4)."""
    operation, body_part = labels[2], labels[3] if length >= 4 else None
    phrase = operation
    if body_part and body_part not in PLACEHOLDER_LABELS:
        phrase += " of " + body_part
    if length < 7:
        return phrase
    surgical = titles[3:7] == ["Body Part", "Approach", "Device", "Qualifier"]
    if surgical:
        approach, device, qualifier = labels[4], labels[5], labels[6]
        if device not in PLACEHOLDER_LABELS:
            phrase += " with " + device
        if qualifier not in PLACEHOLDER_LABELS:
            phrase += ", " + qualifier
        return phrase + ", " + approach + " Approach"
    extra = [label for label in labels[4:7] if label not in PLACEHOLDER_LABELS]
    return ", ".join([phrase] + extra)


def build_icd10pcs(data):
    path = data / "icd10pcs_tables_2020" / "icd10pcs_tables_2020.xml.xz"
    root = ET.fromstring(read_text(path))
    catalog = Catalog("icd-10-pcs", "ICD-10-PCS FY2020 (code tables)", "icd10pcs_tables_2020.xml")
    groups, headers, codes = {}, {}, {}
    conflicts = 0
    tables = root.findall("pcsTable")
    rows_total = 0
    for table in tables:
        head = {int(axis.get("pos")): axis for axis in table.findall("axis")}
        if sorted(head) != [1, 2, 3]:
            raise CatalogError(f"{path}: a pcsTable without axes 1-3")
        head_labels = [axis_labels(head[pos]) for pos in (1, 2, 3)]
        if any(len(labels) != 1 for labels in head_labels):
            raise CatalogError(f"{path}: a pcsTable axis 1-3 with more than one value")
        (c1, section), = head_labels[0].items()
        (c2, body_system), = head_labels[1].items()
        (c3, operation), = head_labels[2].items()
        head_titles = [clean_text(head[pos].findtext("title")) for pos in (1, 2, 3)]
        groups.setdefault(c1, Group(c1, "", "section", section))
        groups.setdefault(c1 + c2, Group(c1 + c2, c1, "body-system", body_system))
        table_code = c1 + c2 + c3
        if table_code in headers:
            raise CatalogError(f"{path}: table {table_code} appears twice")
        headers[table_code] = Entry(table_code, False, c1 + c2, f"{operation} ({body_system})",
                                    "; ".join([section, body_system, operation]))
        for row in table.findall("pcsRow"):
            rows_total += 1
            axes = {int(axis.get("pos")): axis for axis in row.findall("axis")}
            if sorted(axes) != [4, 5, 6, 7]:
                raise CatalogError(f"{path}: a pcsRow of {table_code} without axes 4-7")
            titles = head_titles + [clean_text(axes[pos].findtext("title")) for pos in (4, 5, 6, 7)]
            row_labels = [axis_labels(axes[pos]) for pos in (4, 5, 6, 7)]
            expected = int(row.get("codes"))
            produced = 0
            for c4, body_part in row_labels[0].items():
                prefix = table_code + c4
                prefix_labels = [section, body_system, operation, body_part]
                if prefix in headers:
                    if headers[prefix].long != "; ".join(prefix_labels):
                        conflicts += 1
                else:
                    headers[prefix] = Entry(prefix, False, table_code, pcs_phrase(titles, prefix_labels, 4),
                                            "; ".join(prefix_labels))
                for c5, approach in row_labels[1].items():
                    for c6, device in row_labels[2].items():
                        for c7, qualifier in row_labels[3].items():
                            code = prefix + c5 + c6 + c7
                            labels = prefix_labels + [approach, device, qualifier]
                            if code in codes:
                                raise CatalogError(f"{path}: code {code} is produced by two rows")
                            codes[code] = Entry(code, True, prefix, pcs_phrase(titles, labels, 7),
                                                "; ".join(labels))
                            produced += 1
            if produced != expected:
                raise CatalogError(f"{path}: a row of {table_code} gives {produced} codes, says {expected}")
    catalog.groups = [groups[key] for key in sorted(groups, key=lambda k: (len(k), k))]
    catalog.entries = list(headers.values()) + list(codes.values())
    catalog.notes.append(f"{len(tables)} tables, {rows_total} rows; 4-character prefixes whose body-part label "
                         f"differs between rows (first kept): {conflicts}")
    return catalog


# ---------------------------------------------------------------------------------------------- ICD-9-CM

def icd9_dx_dotted(code):
    split = 4 if code.startswith("E") else 3
    return code if len(code) <= split else code[:split] + "." + code[split:]


def icd9_proc_dotted(code):
    return code if len(code) <= 2 else code[:2] + "." + code[2:]


def read_cms_titles(path, encoding, pattern):
    """'CODE<spaces>TITLE' lines -> {undotted code: title}."""
    titles = {}
    for number, line in enumerate(read_text(path, encoding).splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split(None, 1)
        if len(parts) != 2 or not re.fullmatch(pattern, parts[0]):
            raise CatalogError(f"{path}:{number}: not a 'CODE TITLE' line")
        if parts[0] in titles:
            raise CatalogError(f"{path}:{number}: duplicate code {parts[0]}")
        titles[parts[0]] = clean_text(parts[1])
    return titles


def read_caml(path):
    """CAML ICD9_descriptions -> {dotted code or range: description} (ranges keep their '.99' end)."""
    rows = {}
    for number, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        code, _, description = line.partition("\t")
        if not description:
            raise CatalogError(f"{path}:{number}: not 'code<TAB>description'")
        rows.setdefault(code.strip(), clean_text(description))
    return rows


def range_key(code):
    """'V01' -> ('V', 1.0); '401.9' -> ('', 401.9): the letter and the numeric position of a code."""
    letter = code[0] if code[0] in "VE" else ""
    return letter, float(code[len(letter):])


def build_icd9(data, procedures):
    system = "icd-9-pcs" if procedures else "icd-9-cm"
    kind = "SG" if procedures else "DX"
    base = data / "icd9cm_v32_cms"
    pattern = r"[0-9]{3,4}" if procedures else r"([0-9]{3,5}|V[0-9]{2,4}|E[0-9]{3,4})"
    long_titles = read_cms_titles(base / f"CMS32_DESC_LONG_{kind}.txt", "iso-8859-1", pattern)
    short_titles = read_cms_titles(base / f"CMS32_DESC_SHORT_{kind}.txt", "iso-8859-1", pattern)
    if set(long_titles) != set(short_titles):
        raise CatalogError(f"{base}: the LONG_{kind} and SHORT_{kind} files list different codes")
    dotted = icd9_proc_dotted if procedures else icd9_dx_dotted
    caml = read_caml(data / "icd9_descriptions_caml" / "ICD9_descriptions")
    catalog = Catalog(system,
                      "ICD-9-CM v32 (FY2015) " + ("procedures" if procedures else "diagnoses"),
                      f"CMS32_DESC_LONG_{kind}.txt, CMS32_DESC_SHORT_{kind}.txt, ICD9_descriptions (CAML)")

    # Ranges of this system: procedures are 2-digit ranges ("01-05.99"), diagnoses 3-digit, V or E.
    ranges = []
    for code, title in caml.items():
        match = re.fullmatch(r"([VE]?[0-9]+)-([VE]?[0-9]+)(\.[0-9]+)?", code)
        if not match:
            continue
        first, last = match.group(1), match.group(2)
        is_procedure = re.fullmatch(r"[0-9]{2}", first) is not None
        if is_procedure != procedures:
            continue
        ranges.append((first + "-" + last, range_key(first), range_key(last + (match.group(3) or "")), title))

    def containing_ranges(category):
        key = range_key(category)
        inside = [r for r in ranges if r[1][0] == key[0] and r[1][1] <= key[1] <= r[2][1]]
        return sorted(inside, key=lambda r: (-(r[2][1] - r[1][1]), r[1][1]))  # widest first

    leaves = {dotted(code) for code in long_titles}
    prefixes = set()
    for code in leaves:
        for n in range(1, len(code)):
            prefixes.add(code[:n])
    shape = r"[0-9]{2}(\.[0-9]{1,2})?" if procedures else r"([0-9]{3}|V[0-9]{2}|E[0-9]{3})(\.[0-9]{1,2})?"
    header_codes = {code for code in caml
                    if code in prefixes and code not in leaves and re.fullmatch(shape, code)}
    codes = leaves | header_codes
    retired = [code for code in caml if "-" not in code and code != "@" and code not in codes
               and re.fullmatch(shape, code)]

    used_groups, orphans = {}, []

    def parent_of(code):
        cut = code
        while len(cut) > 1:
            cut = cut[:-1].rstrip(".")
            if cut in codes:
                return cut
        chain = containing_ranges(code.split(".")[0])
        if not chain:
            orphans.append(code)
            return ""  # codes newer than the CAML hierarchy (E000-E030 activity, V87-V91): at the root
        for position, item in enumerate(chain):
            used_groups[item[0]] = Group(item[0], chain[position - 1][0] if position else "", "range", item[3])
        return chain[-1][0]

    no_header = 0
    for code in sorted(codes):
        undotted = code.replace(".", "")
        if code in leaves:
            short, long = short_titles[undotted], long_titles[undotted]
            catalog.entries.append(Entry(code, True, "", short, "" if long == short else long))
        else:
            catalog.entries.append(Entry(code, False, "", caml[code], ""))
    for entry in catalog.entries:
        entry.parent = parent_of(entry.code)
    for entry in catalog.entries:
        if entry.billable and "." in entry.code and entry.code.split(".")[0] not in codes:
            no_header += 1
    catalog.groups = order_groups(list(used_groups.values()))
    catalog.notes.append(f"headers from CAML: {len(header_codes)}; range groups used: {len(catalog.groups)}; "
                         f"CAML codes left out (not in v32): {len(retired)}; billable codes without a "
                         f"category header: {no_header}; codes at the root (in no CAML range): {len(orphans)} "
                         f"({', '.join(orphans[:3])}{', ...' if len(orphans) > 3 else ''})")
    return catalog


def order_groups(groups):
    """Sorts groups by code, then moves each one after its parent (parents first, stable otherwise)."""
    by_code = {g.code: g for g in groups}
    ordered, placed = [], set()

    def place(group):
        if group.code in placed:
            return
        if group.parent:
            place(by_code[group.parent])
        placed.add(group.code)
        ordered.append(group)

    for group in sorted(groups, key=lambda g: g.code):
        place(group)
    return ordered


# -------------------------------------------------------------------------------------------------- output

def check_catalog(catalog):
    """Invariants every catalog satisfies; raises CatalogError on the first violation."""
    group_codes = [g.code for g in catalog.groups]
    entry_codes = [e.code for e in catalog.entries]
    if len(set(group_codes)) != len(group_codes):
        raise CatalogError(f"{catalog.system}: duplicate group codes")
    if len(set(entry_codes)) != len(entry_codes):
        raise CatalogError(f"{catalog.system}: duplicate codes")
    if set(group_codes) & set(entry_codes):
        raise CatalogError(f"{catalog.system}: a group code is also a code")
    seen = set()
    for group in catalog.groups:
        if group.parent and group.parent not in seen:
            raise CatalogError(f"{catalog.system}: group {group.code} precedes its parent {group.parent}")
        seen.add(group.code)
    entry_set = set(entry_codes)
    known = set(group_codes) | entry_set
    for entry in catalog.entries:
        if entry.parent and entry.parent not in known:
            raise CatalogError(f"{catalog.system}: {entry.code} has an unknown parent '{entry.parent}'")
        if not entry.short:
            raise CatalogError(f"{catalog.system}: {entry.code} has no description")
        if entry.short.startswith("^") or entry.long.startswith("^"):
            raise CatalogError(f"{catalog.system}: the description of {entry.code} starts with '^'")
        if entry.parent in entry_set and not entry.code.startswith(entry.parent):
            raise CatalogError(f"{catalog.system}: the parent code {entry.parent} of {entry.code} is no prefix")
    for row in catalog.groups + catalog.entries:
        for value in vars(row).values():
            if isinstance(value, str) and ("\t" in value or "\n" in value or "\r" in value):
                raise CatalogError(f"{catalog.system}: a TAB or line break in {row.code}")


def catalog_text(catalog):
    check_catalog(catalog)
    entries = sorted(catalog.entries, key=lambda e: e.code)
    lines = [
        f"@format\tfusioncoder-catalog\t{FORMAT_VERSION}",
        f"@system\t{catalog.system}",
        f"@title\t{catalog.title}",
        f"@source\t{catalog.source}",
        f"@groups\t{len(catalog.groups)}",
        f"@entries\t{len(entries)}",
    ]
    lines += [f"G\t{g.code}\t{g.parent}\t{g.kind}\t{g.title}" for g in catalog.groups]
    resolved = {e.code: (e.short, e.long or e.short) for e in entries}
    for e in entries:
        parent = resolved.get(e.parent)
        short, long = e.short, e.long or e.short
        stored_short = inherit(short, parent[0]) if parent else short
        stored_long = "" if long == short else inherit(long, parent[1]) if parent else long
        lines.append(f"E\t{e.code}\t{int(e.billable)}\t{e.parent}\t{stored_short}\t{stored_long}")
    return "\n".join(lines) + "\n"


def inherit(text, parent_text):
    """'^' + the rest when the parent's text is a proper prefix of `text` that ends between two words
    (children repeat their parent's title: "Laceration without foreign body of scalp" -> "^, initial
    encounter"), else `text` itself. Splitting inside a word would give the loader's word index a wrong word."""
    n = len(parent_text)
    if len(text) > n > 0 and text.startswith(parent_text) and not (text[n - 1].isalnum() and text[n].isalnum()):
        return "^" + text[n:]
    return text


def pack(text):
    raw = text.encode("utf-8")
    return struct.pack(">I", len(raw)) + zlib.compress(raw, 9)


def unpack(blob):
    if len(blob) < 4:
        raise CatalogError("catalog file too short")
    raw = zlib.decompress(blob[4:])
    if len(raw) != struct.unpack(">I", blob[:4])[0]:
        raise CatalogError("catalog length prefix does not match its content")
    return raw.decode("utf-8")


BUILDERS = {
    "icd-10-cm": build_icd10cm,
    "icd-10-pcs": build_icd10pcs,
    "icd-9-cm": lambda data: build_icd9(data, procedures=False),
    "icd-9-pcs": lambda data: build_icd9(data, procedures=True),
}


def report(catalog, path):
    billable = sum(1 for e in catalog.entries if e.billable)
    headers = len(catalog.entries) - billable
    expected = SOURCE_COUNTS.get(catalog.system, {})
    actual = {"entries": len(catalog.entries), "billable": billable, "headers": headers}
    comparison = ", ".join(f"{key} {actual[key]} (SOURCE.md {value}: {'ok' if actual[key] == value else 'DIFFERS'})"
                           for key, value in expected.items())
    size = path.stat().st_size if path.exists() else 0
    print(f"{catalog.system}: {len(catalog.entries)} codes = {billable} billable + {headers} headers, "
          f"{len(catalog.groups)} groups, {size} bytes -> {path.name}")
    print(f"  {comparison}")
    for note in catalog.notes:
        print(f"  {note}")
    return all(actual[key] == value for key, value in expected.items())


def main(argv=None):
    repo = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=repo.parent / "shared" / "data",
                        help="the shared data folder (default: ../shared/data next to the repository)")
    parser.add_argument("--out", type=Path, default=repo / "resources" / "catalogs",
                        help="output folder (default: resources/catalogs)")
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS))
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 when a file in --out differs from what the data gives")
    args = parser.parse_args(argv)

    if not args.data.is_dir():
        print(f"error: data folder not found: {args.data}", file=sys.stderr)
        return 3
    stale, counts_ok = [], True
    for system in args.systems:
        try:
            catalog = BUILDERS[system](args.data)
            text = catalog_text(catalog)
        except (CatalogError, OSError, ET.ParseError) as error:
            print(f"error: {system}: {error}", file=sys.stderr)
            return 2
        path = args.out / f"{system}.tsv.qz"
        if args.check:
            try:
                current = unpack(path.read_bytes())
            except (OSError, CatalogError, zlib.error, UnicodeDecodeError):
                current = None
            if current != text:
                stale.append(path)
        else:
            args.out.mkdir(parents=True, exist_ok=True)
            path.write_bytes(pack(text))
        counts_ok = report(catalog, path) and counts_ok
    if stale:
        print("out of date (run scripts/build_catalogs.py): " + ", ".join(str(p) for p in stale), file=sys.stderr)
        return 1
    if not counts_ok:
        print("warning: some counts differ from SOURCE.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
