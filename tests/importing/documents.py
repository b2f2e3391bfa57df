"""Real Word documents for the `smr import` tests, made with python-docx: styles, pictures with
and without alt text, tables, hyperlinks, and the raw OOXML python-docx has no call for
(tracked insertions and deletions)."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from PIL import Image


def picture(color=(200, 120, 60), size=(1200, 800), fmt="PNG") -> bytes:
    """A real picture, with a gradient so it is no single colour."""
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    img = Image.blend(img, Image.new("RGB", size, color), 0.5)
    out = io.BytesIO()
    img.save(out, fmt)
    return out.getvalue()


def add_picture(document, data: bytes, alt: str | None = None, width_cm: float = 8):
    """A picture in a paragraph of its own, with `alt` as Word's Alt Text (wp:docPr/@descr)."""
    from docx.shared import Cm

    shape = document.add_picture(io.BytesIO(data), width=Cm(width_cm))
    if alt is not None:
        shape._inline.docPr.set("descr", alt)
    return shape


def add_hyperlink(paragraph, url: str, text: str):
    """A w:hyperlink to `url` (an external relationship), as Word writes one."""
    r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    link.append(_run(text, style="Hyperlink"))
    paragraph._p.append(link)
    return link


def add_insertion(paragraph, text: str, author: str = "Redactie"):
    """Tracked inserted text: <w:ins><w:r><w:t>…"""
    ins = OxmlElement("w:ins")
    ins.set(qn("w:id"), str(abs(hash(text)) % 10_000))
    ins.set(qn("w:author"), author)
    ins.set(qn("w:date"), "2026-11-20T10:00:00Z")
    ins.append(_run(text))
    paragraph._p.append(ins)


def add_deletion(paragraph, text: str, author: str = "Juridische zaken"):
    """Tracked deleted text: <w:del><w:r><w:delText>…"""
    deleted = OxmlElement("w:del")
    deleted.set(qn("w:id"), str(abs(hash(text)) % 10_000 + 10_000))
    deleted.set(qn("w:author"), author)
    deleted.set(qn("w:date"), "2026-11-20T10:00:00Z")
    run = OxmlElement("w:r")
    del_text = OxmlElement("w:delText")
    del_text.set(qn("xml:space"), "preserve")
    del_text.text = text
    run.append(del_text)
    deleted.append(run)
    paragraph._p.append(deleted)


def add_move(paragraph, text: str, to: bool):
    """Text Word tracked as moved: <w:moveFrom> where it was (dropped), <w:moveTo> where it went."""
    move = OxmlElement("w:moveTo" if to else "w:moveFrom")
    move.set(qn("w:id"), str(abs(hash((text, to))) % 10_000 + 20_000))
    move.set(qn("w:author"), "Redactie")
    run = _run(text)
    if not to:
        run.find(qn("w:t")).tag = qn("w:delText")
    move.append(run)
    paragraph._p.append(move)


def delete_row(row):
    """A table row tracked as deleted: <w:trPr><w:del/>."""
    tr_pr = row._tr.get_or_add_trPr()
    mark = OxmlElement("w:del")
    mark.set(qn("w:id"), "779")
    mark.set(qn("w:author"), "Redactie")
    tr_pr.append(mark)


def delete_paragraph_mark(paragraph):
    """A tracked deletion of the whole paragraph (its mark and its runs), as Word writes it."""
    p_pr = paragraph._p.get_or_add_pPr()
    r_pr = OxmlElement("w:rPr")
    mark = OxmlElement("w:del")
    mark.set(qn("w:id"), "777")
    mark.set(qn("w:author"), "Juridische zaken")
    r_pr.append(mark)
    p_pr.append(r_pr)
    for run in list(paragraph._p.findall(qn("w:r"))):
        text = run.find(qn("w:t"))
        wrapper = OxmlElement("w:del")
        wrapper.set(qn("w:id"), "778")
        wrapper.set(qn("w:author"), "Juridische zaken")
        if text is not None:
            text.tag = qn("w:delText")
        paragraph._p.remove(run)
        wrapper.append(run)
        paragraph._p.append(wrapper)


def _run(text: str, style: str | None = None):
    run = OxmlElement("w:r")
    if style:
        r_pr = OxmlElement("w:rPr")
        r_style = OxmlElement("w:rStyle")
        r_style.set(qn("w:val"), style)
        r_pr.append(r_style)
        run.append(r_pr)
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(t)
    return run


def bold_paragraph(document, text: str):
    paragraph = document.add_paragraph()
    paragraph.add_run(text).bold = True
    return paragraph


PHOTO = picture()
SECOND_PHOTO = picture((40, 90, 200), (1000, 1000))


def dutch_release(path: Path) -> Path:
    """A Dutch press release as a municipality's communications team writes one, with Word's
    styles: Title, Subtitle, headings, bullets, a picture with alt text and caption, a table,
    a link, a quote with "zegt", the note to editors and the part about the organisation."""
    document = docx.Document()
    document.core_properties.keywords = "natuur; bomen"
    document.add_paragraph("EMBARGO tot dinsdag 24 november 2026, 09.00 uur")
    document.add_paragraph("Zeewolde plant 10.000 bomen", style="Title")
    document.add_paragraph("Het grootste bosplan van Flevoland", style="Subtitle")
    document.add_paragraph("ZEEWOLDE – De gemeente Zeewolde plant deze winter 10.000 bomen langs de "
                           "Hoge Vaart. Inwoners kunnen meehelpen op drie plantdagen.")
    document.add_heading("Kernfeiten", level=2)
    document.add_paragraph("10.000 bomen, 14 soorten", style="List Bullet")
    document.add_paragraph("Drie plantdagen in december", style="List Bullet")
    document.add_paragraph("“Een bos groeit langzaam, dus we beginnen nu,” zegt Anna de Vries, wethouder "
                           "van Zeewolde. “Iedereen mag een boom planten.”")
    document.add_heading("Waar en wanneer", level=2)
    paragraph = document.add_paragraph("Aanmelden kan via ")
    add_hyperlink(paragraph, "https://www.zeewolde.nl/bomen", "zeewolde.nl/bomen")
    paragraph.add_run(". De plantdagen zijn op zaterdag.")
    table = document.add_table(rows=3, cols=2)
    for row, (day, place) in enumerate([("Dag", "Plek"), ("5 december", "Hoge Vaart"), ("12 december", "Horsterwold")]):
        table.cell(row, 0).text = day
        table.cell(row, 1).text = place
    add_picture(document, PHOTO, alt="Vrijwilligers planten een eik langs de Hoge Vaart")
    document.add_paragraph("Vrijwilligers aan het werk. Foto: Piet Bakker", style="Caption")
    document.add_heading("Noot voor de redactie", level=2)
    document.add_paragraph("Voor meer informatie: Sanne Jansen, woordvoerder, pers@zeewolde.nl, +31 36 522 95 00")
    document.add_heading("Over Gemeente Zeewolde", level=2)
    document.add_paragraph("Zeewolde is een gemeente in Flevoland met 23.000 inwoners.")
    document.add_paragraph("Zeewolde is de jongste gemeente van Nederland.")
    document.save(path)
    return path


def english_release(path: Path) -> Path:
    """An English release typed without Word's styles: a bold first line as the title, bold
    paragraphs as headings, a quote whose speaker follows after a dash on the next line, a
    note to editors a line per detail."""
    document = docx.Document()
    document.add_paragraph("PRESS RELEASE")
    document.add_paragraph("EMBARGO until November 24, 2026, 9:00 am CET")
    bold_paragraph(document, "Zeewolde plants 10,000 trees")
    document.add_paragraph("LONDON – The municipality of Zeewolde will plant 10,000 trees along the Hoge Vaart "
                           "this winter. Residents can help on three planting days.")
    bold_paragraph(document, "Key facts:")
    document.add_paragraph("10,000 trees of 14 species", style="List Bullet")
    document.add_paragraph("Three planting days in December", style="List Bullet")
    document.add_paragraph("\"A forest grows slowly, so we start now. Everyone may plant a tree.\"")
    document.add_paragraph("— Anna de Vries, alderman of Zeewolde")
    document.add_paragraph("The planting days are on Saturdays, and the trees come from local nurseries.")
    document.add_paragraph("###")
    bold_paragraph(document, "Notes to editors")
    document.add_paragraph("Press contact: John Doe")
    document.add_paragraph("Head of Communications")
    document.add_paragraph("T: +44 20 7946 0000")
    document.add_paragraph("E: press@zeewolde.example")
    bold_paragraph(document, "About Zeewolde")
    document.add_paragraph("Zeewolde is the youngest municipality of the Netherlands.")
    document.save(path)
    return path


def dutch_release_without_styles(path: Path) -> Path:
    """A Dutch release as many are typed: a label, "Onder embargo tot", a large bold line as the
    title, an italic one under it, a bold "Delft, 3 december 2026 –", a quote split by "zegt",
    a bold line as a heading, a credit under the picture, an end mark, and the note to editors
    as a sentence."""
    from docx.shared import Pt

    document = docx.Document()
    document.add_paragraph("PERSBERICHT")
    document.add_paragraph("Onder embargo tot 3 december 2026, 10.00 uur")
    run = document.add_paragraph().add_run("Brood & Co opent twaalfde winkel in Delft")
    run.bold, run.font.size = True, Pt(18)
    document.add_paragraph().add_run("Nieuwe winkel met eigen bakkerij en koffiebar").italic = True
    lede = document.add_paragraph()
    lede.add_run("Delft, 3 december 2026 – ").bold = True
    lede.add_run("Brood & Co opent op zaterdag 5 december haar twaalfde winkel, aan de Markt in Delft.")
    document.add_paragraph("„We wilden al jaren naar Delft”, zegt Anna de Vries, directeur van Brood & Co. "
                           "„De Markt is de mooiste plek die we konden vinden.”")
    bold_paragraph(document, "Opening")
    document.add_paragraph("De burgemeester opent de winkel om 10.00 uur.")
    add_picture(document, PHOTO, alt="De nieuwe winkel aan de Markt in Delft")
    document.add_paragraph("Foto: Brood & Co")
    document.add_paragraph("-- einde persbericht --")
    bold_paragraph(document, "Noot voor de redactie, niet voor publicatie:")
    document.add_paragraph("Journalisten zijn welkom bij de opening. Aanmelden kan tot 4 december.")
    document.add_paragraph("Voor meer informatie kunt u contact opnemen met Sanne Jansen, woordvoerder, via "
                           "010 - 123 45 67 of pers@broodenco.nl.")
    bold_paragraph(document, "Over Brood & Co")
    document.add_paragraph("Brood & Co is een bakkerijketen met twaalf winkels in Zuid-Holland.")
    document.save(path)
    return path
