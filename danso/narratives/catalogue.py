"""The kinds' codes and one-line descriptions without Django, for `danso report narrative
--help` (kinds.py declares them in full; a test keeps both lists the same)."""

KIND_HELP = {
    "year_review": "year-end review of a population unit (year, e.g. 2023)",
    "six_month_review": "six-month review of an upper level (2024S1)",
    "quarterly_briefing": "quarterly briefing minutes of an upper level (2024Q2)",
    "partner_annual": "annual report of a partner organisation (FP Association, industrial "
    "zone; 2023)",
    "womens_union": "Women's Union family and social work report (2023)",
    "event": "event report: --activity ID, or --period YYYY-MM-DD/YYYY-MM-DD",
}
