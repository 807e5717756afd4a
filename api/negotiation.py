"""Content negotiation: DRF's, except that a ?format= an endpoint does not offer is a 406 naming what it offers."""

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation

FORMAT_NOT_OFFERED = "This endpoint does not offer that format. It offers: {formats}."


class ContentNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        """DRF answers 404 here, which reads as if the address were wrong."""
        offered = [renderer for renderer in renderers if renderer.format == format]
        if not offered:
            formats = ", ".join(dict.fromkeys(renderer.format for renderer in renderers))
            raise NotAcceptable(FORMAT_NOT_OFFERED.format(formats=formats))
        return offered
