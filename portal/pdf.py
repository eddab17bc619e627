"""PDF downloads: a page written for print, made into a PDF by WeasyPrint."""

from flask import request
from werkzeug.wrappers import Response


def pdf_download(html: str, filename: str) -> Response:
    # WeasyPrint is heavy to import; only the PDFs need it.
    from weasyprint import HTML

    pdf = HTML(string=html, base_url=request.host_url).write_pdf()
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
