"""Dates are dd/mm/yyyy in both languages: an officer who switches to English keeps typing and
reading 04/03/2026 as 4 March. Numbers follow the language."""

import datetime

import pytest
from django import forms
from django.utils import formats, translation

MARCH_4 = datetime.date(2026, 3, 4)


@pytest.mark.parametrize("language, number", [("vi", "5.838,5"), ("en", "5,838.5")])
def test_dates_read_and_written_day_first_in_both_languages(language, number):
    with translation.override(language):
        assert forms.DateField().clean("04/03/2026") == MARCH_4
        assert formats.date_format(MARCH_4, "SHORT_DATE_FORMAT") == "04/03/2026"
        assert formats.number_format(5838.5, 1, force_grouping=True) == number
