"""QR images of a booking code, made without Pillow so the Lambda package stays small.

The PNG goes into the confirmation email (a kiosk camera or a phone screen shows it);
the SVG is served to the citizen page, where it scales to any screen.
"""
from __future__ import annotations

import io

import qrcode
from qrcode.compat.etree import ET  # the tree qrcode builds: lxml when installed, else stdlib
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.pure import PyPNGImage
from qrcode.image.svg import SvgPathFillImage

BORDER = 4  # the quiet zone the QR standard asks for
_TARGET_PX = 290  # a size every phone and kiosk camera reads, and email clients show whole


def _qr(data: str) -> qrcode.QRCode:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=BORDER)
    qr.add_data(data)
    qr.make(fit=True)
    return qr


def qr_png(data: str) -> bytes:
    """A 1-bit greyscale PNG of about 290 px whatever the QR version."""
    qr = _qr(data)
    qr.box_size = max(1, round(_TARGET_PX / (qr.modules_count + 2 * BORDER)))
    out = io.BytesIO()
    qr.make_image(image_factory=PyPNGImage).save(out)
    return out.getvalue()


def qr_svg(data: str) -> str:
    """A standalone SVG document with a viewBox, a white background and an accessible name.

    The white background (SvgPathFillImage, the filled SvgPathImage) keeps the code readable
    on a page in dark mode, where a transparent one would turn black on black.
    """
    img = _qr(data).make_image(
        image_factory=SvgPathFillImage, **{"role": "img", "aria-label": data}
    )
    title = ET.Element("title")
    title.text = data
    img.get_image().insert(0, title)
    return img.to_string(encoding="unicode")
