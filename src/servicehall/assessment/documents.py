"""The .docx of the Monday report (ATT-3) and of the monthly bulletin (月度通报, ASM-5), for the office to edit
and circulate: A4, Chinese fonts set as East Asian fonts in the styles (python-docx sets only the Latin name
unless ``w:eastAsia`` is written), with fallbacks in the font table for machines without the official fonts.

The bulletin follows the official layout (党政机关公文格式 GB/T 9704 in spirit): the 文号 line, the title in
方正小标宋, the body in 仿宋_GB2312 三号 with 黑体 section heads, and the 落款 (the center's name) with the date.
Built from the stored figures only (``reports.weekly``/``reports.monthly``), so the file says what the page says.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Pt, RGBColor
from lxml import etree

from .reports import FIGURE_NAMES, FIGURES

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEAD_FONT = "黑体"
SUB_FONT = "楷体_GB2312"
# Fonts a machine may lack, and what Word should use instead (the font table's altName).
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", SUB_FONT: "楷体", HEAD_FONT: "SimHei"}
SIZE_2, SIZE_3, SIZE_4, SIZE_SMALL = Pt(22), Pt(16), Pt(14), Pt(10.5)  # 二号, 三号, 四号, 五号


def _fonts(element: Any, east_asia: str, size: Any = None, bold: bool | None = None) -> None:
    """Set a style's or run's font: the Latin name and, through ``w:rFonts``, the East Asian one."""
    font = element.font
    font.name = "Times New Roman"
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    rpr = element.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:hint"), "eastAsia")


def _fallbacks(doc: Any) -> None:
    """Name each Chinese font in the font table with an alternative (``w:altName``) Word uses when the
    official font is not installed."""
    for rel in doc.part.rels.values():
        if rel.reltype != RT.FONT_TABLE:
            continue
        part = rel.target_part
        root = etree.fromstring(part.blob)
        for name, alt in FALLBACKS.items():
            font = etree.SubElement(root, qn("w:font"))
            font.set(qn("w:name"), name)
            alt_name = etree.SubElement(font, qn("w:altName"))
            alt_name.set(qn("w:val"), alt)
            charset = etree.SubElement(font, qn("w:charset"))
            charset.set(qn("w:val"), "86")  # GB2312
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _document() -> _Body:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    styles = doc.styles
    _fonts(styles["Normal"], BODY_FONT, SIZE_3)
    styles["Normal"].paragraph_format.line_spacing = Pt(28)
    _fonts(styles["Title"], TITLE_FONT, SIZE_2, bold=False)
    styles["Title"].font.color.rgb = RGBColor(0, 0, 0)
    _fonts(styles["Heading 1"], HEAD_FONT, SIZE_3, bold=False)
    styles["Heading 1"].font.color.rgb = RGBColor(0, 0, 0)
    _fonts(styles["Heading 2"], SUB_FONT, SIZE_3, bold=False)
    styles["Heading 2"].font.color.rgb = RGBColor(0, 0, 0)
    _fonts(styles["Table Grid"], BODY_FONT, SIZE_SMALL)
    _fallbacks(doc)
    return _Body(doc)


class _Body:
    """The document's body written as WordprocessingML text and parsed once at the end: python-docx's object
    layer finds a style by walking every style and appends each element by scanning the body (seconds for a
    Monday report of a few hundred windows); the document is the same."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.parts: list[str] = []
        width = doc.sections[0].page_width - doc.sections[0].left_margin - doc.sections[0].right_margin
        self.width = int(Emu(width).twips)

    def add(self, xml: str) -> None:
        self.parts.append(xml)

    def flush(self) -> None:
        body = self.doc.element.body
        anchor = body.sectPr
        for el in list(parse_xml(f"<w:body {nsdecls('w')}>{''.join(self.parts)}</w:body>")):
            if anchor is not None:
                anchor.addprevious(el)
            else:
                body.append(el)
        self.parts = []


def _run(text: str, bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""


def _p(text: str, style: str = "", align: str = "", indent: bool = False, bold: bool = False) -> str:
    ppr = "".join((f'<w:pStyle w:val="{style}"/>' if style else "",
                   '<w:ind w:firstLine="640"/>' if indent else "",  # two characters of 三号
                   f'<w:jc w:val="{align}"/>' if align else ""))
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{_run(text, bold)}</w:p>"


_ALIGN = {WD_ALIGN_PARAGRAPH.CENTER: "center", WD_ALIGN_PARAGRAPH.RIGHT: "right"}


def _title(doc: _Body, text: str) -> None:
    # The Title style's bottom border is not part of an official document.
    ppr = doc.doc.styles["Title"].element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    doc.add(_p(text, "Title", "center"))


def _heading(doc: _Body, text: str, level: int) -> None:
    doc.add(_p(text, f"Heading{level}"))


def _para(doc: _Body, text: str, *, indent: bool = True, align: Any = None) -> None:
    doc.add(_p(text, align=_ALIGN.get(align, ""), indent=indent))


def _page_break(doc: _Body) -> None:
    doc.add('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')


def _cn_date(iso: str) -> str:
    """2026-11-23 → 2026年11月23日, as an official document writes a date."""
    try:
        return _chinese_date(dt.date.fromisoformat(str(iso)))
    except ValueError:
        return str(iso)


def _table(doc: _Body, head: list[str], rows: Iterable[Iterable[Any]]) -> None:
    col = doc.width // len(head)
    width = f'<w:tcPr><w:tcW w:w="{col}" w:type="dxa"/></w:tcPr>'

    def tr(values: Iterable[Any], bold: bool = False) -> str:
        cells = "".join(f"<w:tc>{width}{_p('—' if v is None or v == '' else str(v), bold=bold)}</w:tc>"
                        for v in values)
        return f"<w:tr>{cells}</w:tr>"

    grid = "".join(f'<w:gridCol w:w="{col}"/>' for _ in head)
    doc.add(f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
            f'<w:jc w:val="center"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
            f'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
            f"{tr(head, bold=True)}{''.join(tr(r) for r in rows)}</w:tbl>")


def _bytes(doc: _Body) -> bytes:
    doc.flush()
    out = io.BytesIO()
    doc.doc.save(out)
    return out.getvalue()


def _figures_table(doc: _Body, figures: dict[str, Any]) -> None:
    half = (len(FIGURES) + 1) // 2
    left, right = FIGURES[:half], FIGURES[half:]
    rows = []
    for i, key in enumerate(left):
        other = right[i] if i < len(right) else None
        rows.append([FIGURE_NAMES[key], figures.get(key, 0),
                     FIGURE_NAMES[other] if other else "", figures.get(other, "") if other else ""])
    _table(doc, ["指标", "数值", "指标", "数值"], rows)


def weekly_docx(data: dict[str, Any], windows: Iterable[dict[str, Any]] | None = None, hall: bool = True) -> bytes:
    """The Monday report: the hall's figures, then one page per window (ATT-3). ``windows``/``hall`` narrow
    it to what a reader may see (a department's leader: their windows, no hall page)."""
    doc = _document()
    _title(doc, data["title"])
    _para(doc, f"周例会：{_cn_date(data['meeting'])}　统计期间：{_cn_date(data['first'])} 至 {_cn_date(data['last'])}", indent=False,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    if hall:
        _heading(doc, "全厅情况", 1)
        _figures_table(doc, data["hall"])
        if data.get("hall_notes"):
            _heading(doc, "需要关注", 2)
            for note in data["hall_notes"]:
                _para(doc, note)
    for w in (data["windows"] if windows is None else windows):
        _page_break(doc)  # one page per window (ATT-3)
        _heading(doc, f"{w['name']}（{w['department_name']}）", 1)
        _figures_table(doc, w["figures"])
        if w.get("notes"):
            _heading(doc, "需要关注", 2)
            for note in w["notes"]:
                _para(doc, note)
    return _bytes(doc)


def _group_rows(groups: list[dict[str, Any]]) -> list[list[Any]]:
    return [[i, g["name"], g["people"], g["mean"], "；".join(f"{k}{n}" for k, n in g["violations"].items())]
            for i, g in enumerate(groups, 1)]


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def monthly_docx(data: dict[str, Any], signed: dt.date) -> bytes:
    """The monthly bulletin in the official layout: 文号, title, body sections, 落款 and date (ASM-5)."""
    doc = _document()
    if data.get("doc_number"):
        _para(doc, data["doc_number"], indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _title(doc, data["title"])
    year_, month_ = (int(x) for x in data["month"].split("-"))
    month = f"{year_}年{month_}月"  # as an official document writes it
    g = data["grades"]
    _heading(doc, "一、总体情况", 1)
    _para(doc, f"{month}，中心对{data['people']}名窗口工作人员进行了月度考核，平均{data['mean']}分。其中优秀"
               f"{g.get('优秀', 0)}人、称职{g.get('称职', 0)}人、基本称职{g.get('基本称职', 0)}人、不称职"
               f"{g.get('不称职', 0)}人。" + ("" if data.get("closed") else "（本月考核尚未结账，以结账数据为准。）"))
    findings = data.get("findings") or {}
    _para(doc, "本月发现问题：" + ("、".join(f"{k}{n}起" for k, n in findings.items()) if findings else "无") + "。")
    _heading(doc, "二、窗口和部门考核情况", 1)
    for label, key in (("表现较好的窗口", "best_windows"), ("需要改进的窗口", "worst_windows"),
                       ("表现较好的部门", "best_departments"), ("需要改进的部门", "worst_departments")):
        if data.get(key):
            _para(doc, f"{label}：" + "、".join(f"{x['name']}（{x['mean']}分）" for x in data[key]) + "。")
    if data.get("departments"):
        _heading(doc, "（一）部门考核", 2)
        _table(doc, ["名次", "部门", "人数", "平均分", "问题"], _group_rows(data["departments"]))
    if data.get("windows"):
        _heading(doc, "（二）窗口考核", 2)
        _table(doc, ["名次", "窗口", "人数", "平均分", "问题"], _group_rows(data["windows"]))
    _heading(doc, "三、考核等次为基本称职、不称职的人员", 1)
    if data.get("low"):
        _table(doc, ["工号", "姓名", "部门", "得分", "等次", "扣分事项"],
               [[p["staff"], p["name"], p["department"], p["points"], p["grade"], p["causes"]] for p in data["low"]])
    else:
        _para(doc, "无。")
    _heading(doc, "四、缺位处理情况", 1)
    if data.get("ladder"):
        _table(doc, ["日期", "工号", "姓名", "岗位", "年内次数", "处理"],
               [[s["date"], s["staff"], s["name"], s["post"], s["rank_in_year"], s["level"]] for s in data["ladder"]])
    else:
        _para(doc, "本月无按规定处理的缺位。")
    _heading(doc, "五、明察暗访情况", 1)
    if data.get("inspections"):
        _table(doc, ["编号", "日期", "类型", "窗口", "人员", "方式", "状态"],
               [[i["number"], i["date"], i["kind"], i["window"], i["staff"], "暗访" if i["hidden"] else "明察",
                 i["state"] + ("（媒体曝光）" if i["media"] else "")] for i in data["inspections"]])
    else:
        _para(doc, "本月无明察暗访发现的问题。")
    c = data["complaints"]
    _heading(doc, "六、投诉办理情况", 1)
    days = c.get("answered_in_days")
    _para(doc, f"本月收到投诉{c['received']}件，已答复{c['answered']}件，经核实属实{c['upheld']}件"
               + (f"，平均{days}个工作日答复" if days is not None else "") + "。")
    if c.get("departments"):
        _table(doc, ["部门", "收到", "属实", "已答复", "未办结"],
               [[d["name"], d["received"], d["upheld"], d["answered"], d["open"]] for d in c["departments"]])
    _para(doc, "", indent=False)
    _para(doc, data["center_name"], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, _chinese_date(signed), indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return _bytes(doc)
