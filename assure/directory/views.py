from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from assure.portal.pages import layout, signed_in_member

from .forms import LIMIT, DoctorSearchForm
from .models import Convention, PracticePlace


@login_not_required
@require_safe
def search(request):
    kinds = PracticePlace.objects.kinds()
    form = DoctorSearchForm(request.GET, kinds=kinds, member=signed_in_member(request))
    context = {"form": form, "layout": layout(request), "limit": LIMIT, "places": None}
    if form.is_valid():
        data = form.cleaned_data
        context |= {
            "places": form.results(),
            "commune": data["commune"],
            "radius": data["radius"],
            "profession": data["profession"],
            "name": data["name"],
            "query": f"?{request.GET.urlencode()}",
        }
    return render(request, "directory/search.html", context)


@login_not_required
@require_safe
def detail(request, pk):
    place = get_object_or_404(PracticePlace, pk=pk)
    others = list(PracticePlace.objects.filter(rpps=place.rpps).exclude(pk=pk))
    Convention.objects.attach_to([place, *others])
    context = {"place": place, "others": others, "layout": layout(request)}
    return render(request, "directory/detail.html", context)
