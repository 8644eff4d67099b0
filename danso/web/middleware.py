"""The language of the pages: Vietnamese, unless the user chose English with the switch."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware without the browser's Accept-Language: many officials' browsers
    ask for English while they work in Vietnamese. The switch in the top bar posts to Django's
    `set_language` view, which keeps the choice in a cookie for a year."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ColumnLimitMiddleware:
    """A value that slipped past a form's own checks and does not fit its column (a number too
    large for the database, text too long) answers a page that says which, with status 422,
    instead of a server error; nothing was saved (the view's transaction is rolled back)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from danso.limits import ColumnLimitError, out_of_range_message

        if isinstance(exception, ColumnLimitError):
            problems = [p.message for p in exception.problems]
        elif isinstance(exception, OverflowError):
            problems = [out_of_range_message(-(2**63), 2**63 - 1)]
        else:
            return None
        context = {"problems": problems, "back": request.META.get("HTTP_REFERER", "")}
        return render(request, "web/refused.html", context, status=422)
