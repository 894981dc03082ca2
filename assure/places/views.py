from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from assure.portal.pages import layout, signed_in_member

from .forms import LIMIT, RADIUS_KM, PlaceSearchForm
from .hours import FRENCH_WEEKDAYS, WEEKDAYS, french_intervals
from .models import Place


@login_not_required
@require_safe
def search(request):
    form = PlaceSearchForm(request.GET, member=signed_in_member(request))
    context = {"form": form, "layout": layout(request), "limit": LIMIT, "radius_km": RADIUS_KM}
    context["places"] = form.results() if form.is_valid() else None
    return render(request, "places/search.html", context)


@login_not_required
@require_safe
def detail(request, key):
    place = get_object_or_404(Place.objects.active(), key=key)
    context = {"place": place, "layout": layout(request), "week": week(place)}
    return render(request, "places/detail.html", context)


def week(place):
    """[("lundi", "de 8 h 30 à 12 h"), …, ("dimanche", "fermé")] from Monday."""
    days = zip(WEEKDAYS, FRENCH_WEEKDAYS, strict=True)
    return [(name, day_text(place.hours.get(day))) for day, name in days]


def day_text(intervals):
    if not intervals:
        return "fermé"
    if intervals == [["00:00", "24:00"]]:
        return "24 h sur 24"
    return french_intervals(intervals)
