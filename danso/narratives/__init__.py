"""Narrative reports: the Vietnamese review documents every level writes (year-end review,
six-month review, quarterly briefing minutes, a partner organisation's annual report, the
Women's Union's family and social work report, an event report), drafted from the data as
editable DOCX with every figure traced to its source."""
