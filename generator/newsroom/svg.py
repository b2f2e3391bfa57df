"""An SVG logo made safe to publish: what it draws, and nothing that runs or calls out.

The logo is published at the newsroom's address (assets/logo.svg). Shown with <img> an SVG
cannot run anything, but opened directly (a link, "open image in new tab") it is a document
of the newsroom's origin, and any script in it runs there. So the build never copies an
SVG logo as given: `sanitise` parses it and writes a new file from an allowlist.

Why an allowlist writer and not a library or a PNG: nh3/bleach clean HTML, not SVG;
rasterising needs cairo or a browser (a heavy dependency for one file) and loses the
sharpness an SVG logo is for. A logo needs few of SVG's parts, so the list is short:
- elements: shapes, paths, text, groups, gradients, patterns, clip paths, masks, markers,
  filters; not script, foreignObject, animation (set/animate can write an href), a
  (its children are kept), iframe, or anything in another namespace (editor metadata);
- attributes: geometry and presentation only; no event handler (on*) or anything else;
- links (href, xlink:href): to a part of the same file (#id), or for <image> a PNG, JPEG,
  GIF or WebP picture inside the file (data:image/png;base64,...); nothing outside it;
- CSS (style elements and attributes): kept unless it can load something (@import, url()
  other than url(#id)) or is a legacy script hook (expression, behavior, -moz-binding,
  javascript:); such CSS is dropped whole.
Comments, processing instructions and the DOCTYPE are not written. The parser is Python's
expat (no external entities or DTDs are loaded; entity expansion is bounded), so `smr check`
validates the logo with the same function the build uses, without importing lxml.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_BYTES = 5 * 1024 * 1024   # a logo is a few kilobytes; an embedded photo makes it larger

ELEMENTS = set("""
svg g defs symbol use title desc switch
path rect circle ellipse line polyline polygon
text tspan textPath
linearGradient radialGradient stop pattern clipPath mask marker image style
filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting
feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur
feMerge feMergeNode feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile feTurbulence
""".split())
UNWRAP = {"a"}                    # dropped, its children kept
TEXT_ELEMENTS = {"text", "tspan", "textPath", "title", "desc", "style"}

ATTRIBUTES = set("""
id class style transform d x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height viewBox
preserveAspectRatio points pathLength version baseProfile
fill fill-opacity fill-rule stroke stroke-width stroke-linecap stroke-linejoin stroke-miterlimit
stroke-dasharray stroke-dashoffset stroke-opacity opacity color display visibility overflow
clip-path clip-rule clipPathUnits mask maskUnits maskContentUnits mask-type
gradientUnits gradientTransform spreadMethod offset stop-color stop-opacity
patternUnits patternContentUnits patternTransform
marker-start marker-mid marker-end markerWidth markerHeight markerUnits refX refY orient
font-family font-size font-weight font-style font-variant font-stretch text-anchor
dominant-baseline alignment-baseline baseline-shift letter-spacing word-spacing text-decoration
writing-mode direction unicode-bidi dx dy rotate textLength lengthAdjust startOffset method spacing side
filter filterUnits primitiveUnits in in2 result stdDeviation mode operator k1 k2 k3 k4 values type
tableValues slope intercept amplitude exponent scale xChannelSelector yChannelSelector
flood-color flood-opacity lighting-color surfaceScale diffuseConstant specularConstant
specularExponent kernelMatrix order divisor bias targetX targetY edgeMode kernelUnitLength
preserveAlpha radius baseFrequency numOctaves seed stitchTiles azimuth elevation z
pointsAtX pointsAtY pointsAtZ limitingConeAngle
mix-blend-mode isolation shape-rendering text-rendering image-rendering color-rendering
color-interpolation color-interpolation-filters vector-effect paint-order enable-background
requiredFeatures requiredExtensions systemLanguage media lang
role aria-label aria-labelledby aria-describedby aria-hidden focusable
""".split())
HREF_ELEMENTS = {"use", "textPath", "linearGradient", "radialGradient", "pattern", "filter", "image"}
LOCAL_REF = re.compile(r"#[A-Za-z_][\w.:-]*\Z")
RASTER_DATA = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*\Z")
URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.S | re.I)
CSS_HOOKS = re.compile(r"@import|expression|behavior|-moz-binding|javascript:|vbscript:|\\", re.I)


class SvgError(Exception):
    """Why an SVG cannot be published; the message follows the file's name."""


def sanitise(data: bytes) -> bytes:
    """The SVG `data` written anew with only what draws (see the module docstring)."""
    import xml.etree.ElementTree as ET

    if len(data) > MAX_BYTES:
        raise SvgError(f"is larger than {MAX_BYTES // 2**20} MB, too large for a logo: save it as plain SVG "
                       "without embedded pictures, or use a PNG")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise SvgError(f"is not a readable SVG file ({exc}): export it again as plain SVG, or use a PNG") from None
    except Exception as exc:  # noqa: BLE001 - expat refuses entity bombs and external entities
        raise SvgError(f"is not a plain SVG file ({type(exc).__name__}: {exc}): export it again, or use a PNG") from None
    if _name(root.tag) != "svg":
        raise SvgError("is not an SVG drawing (its outermost element is not <svg>): export it again as SVG, or use a PNG")
    out: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    _write(root, out, top=True)
    return "".join(out).encode("utf-8")


def _name(tag) -> str | None:
    """The local name of an SVG element (also of an <svg> written without its namespace)."""
    if not isinstance(tag, str):
        return None
    if tag.startswith("{"):
        namespace, local = tag[1:].split("}", 1)
        return local if namespace == SVG_NS else None
    return tag


def _write(element, out: list[str], in_text: bool = False, top: bool = False) -> None:
    """Write `element` if the allowlist has it; text only inside text elements (and <style>)."""
    name = _name(element.tag)
    if name in UNWRAP:   # <a>: the link goes, what it holds stays
        _write_content(element, out, in_text)
        return
    if name not in ELEMENTS:
        return
    attributes = _attributes(name, element.attrib)
    if top:
        attributes = [("xmlns", SVG_NS), ("xmlns:xlink", XLINK_NS)] + attributes
    out.append(f"<{name}" + "".join(f" {key}={quoteattr(value)}" for key, value in attributes) + ">")
    if name == "style":
        css = "".join(element.itertext())
        out.append(escape(css) if _safe_css(css) else "")
    else:
        _write_content(element, out, name in TEXT_ELEMENTS)
    out.append(f"</{name}>")


def _write_content(element, out: list[str], in_text: bool) -> None:
    if in_text and element.text:
        out.append(escape(element.text))
    for child in element:
        _write(child, out, in_text)
        if in_text and child.tail:
            out.append(escape(child.tail))


def _attributes(element: str, attrib: dict) -> list[tuple[str, str]]:
    kept = []
    for key, value in sorted(attrib.items()):
        if key in (f"{{{XLINK_NS}}}href", "href"):
            if element in HREF_ELEMENTS and _safe_href(element, value):
                kept.append(("xlink:href", value))
            continue
        if key == f"{{{XML_NS}}}space":
            kept.append(("xml:space", value))
            continue
        if key not in ATTRIBUTES:   # on*, anything namespaced, anything unknown
            continue
        if key == "style" and not _safe_css(value):
            continue
        if "url(" in value.lower() and not _safe_css(value):
            continue
        kept.append((key, value))
    return kept


def _safe_href(element: str, value: str) -> bool:
    value = value.strip()
    if element == "image":
        return bool(RASTER_DATA.match(value))
    return bool(LOCAL_REF.match(value))


def _safe_css(css: str) -> bool:
    """CSS that cannot load anything or run anything: no @import, only url(#id)."""
    if CSS_HOOKS.search(css):
        return False
    return all(LOCAL_REF.match(target.strip()) for _quote, target in URL.findall(css)) and \
        css.lower().count("url(") == len(URL.findall(css))
