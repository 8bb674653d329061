from django.http import HttpRequest, HttpResponse


def briefing(request: HttpRequest) -> HttpResponse:  # replaced by the briefing implementation
    raise NotImplementedError
