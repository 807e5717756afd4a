from pdus.loading import published_ratings_load
from pdus.models import PDU, Country, PublishedRating, Region


def test_published_composites_load_twelve_regions_and_thirty_six_pdus(db):
    assert published_ratings_load() == 36
    assert Region.objects.count() == 12
    assert PDU.objects.count() == 36
    gateshead = PublishedRating.objects.get(pdu__name="Gateshead and South Tyneside")
    assert (gateshead.composite_score, gateshead.composite_max) == (15, 27)
    assert gateshead.period_label == "Jan 2022 to Aug 2023"
    assert PDU.objects.get(name="Gwent").country == Country.WALES
    assert PDU.objects.get(name="Sheffield").country == Country.ENGLAND


def test_loading_published_composites_twice_changes_nothing(db):
    published_ratings_load()
    published_ratings_load()
    assert PublishedRating.objects.count() == 36
