"""The secretariat's pages for webhook subscriptions: list, create (the secret shown once),
edit, pause and resume, delete, and each subscription's deliveries from the outbox."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actors.models import Actor, Person
from core.access import secretariat_required
from core.pages import confirm_page, form_page

from . import webhooks
from .models import WebhookSubscription

SECRET_SESSION_KEY = "webhook_secret"


class WebhookSubscriptionForm(forms.Form):
    actor = forms.ModelChoiceField(label=gettext_lazy("Actor"), queryset=Actor.objects.all())
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    url = forms.CharField(
        label=gettext_lazy("Target URL"),
        max_length=254,
        help_text=gettext_lazy("Where the events are POSTed; must use HTTPS."),
    )
    event_types = forms.MultipleChoiceField(
        label=gettext_lazy("Events"), widget=forms.CheckboxSelectMultiple
    )
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner"),
        queryset=Person.objects.filter(anonymised_at__isnull=True),
        help_text=gettext_lazy("Told when the subscription is paused after failed deliveries."),
    )

    def __init__(self, *args: Any, subscription: WebhookSubscription | None = None, **kwargs):
        if subscription is not None:
            kwargs["initial"] = {
                "actor": subscription.actor_id,
                "name": subscription.name,
                "url": subscription.url,
                "event_types": subscription.event_types,
                "owner": subscription.owner_id,
            }
        super().__init__(*args, **kwargs)
        self.fields["event_types"].choices = webhooks.event_choices()
        if subscription is not None:
            del self.fields["actor"]  # a subscription stays with its actor


def _subscription(pk: int) -> WebhookSubscription:
    return get_object_or_404(WebhookSubscription.objects.select_related("actor", "owner"), pk=pk)


@secretariat_required
@require_GET
def webhook_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(webhooks.subscriptions(), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/webhook_list.html", {"page": page})


@secretariat_required
@require_http_methods(["GET", "POST"])
def webhook_create(request: HttpRequest) -> HttpResponse:
    form = WebhookSubscriptionForm(request.POST or None)

    def save(data: dict[str, Any]) -> str:
        subscription = webhooks.subscription_create(**data)
        # Shown once, on the next page, and then only the receiving system has it.
        request.session[SECRET_SESSION_KEY] = {"pk": subscription.pk, "secret": subscription.secret}
        return subscription.get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("New webhook subscription"),
        save=save,
        success_message=_("The subscription was created."),
        cancel_url=reverse("notifications:webhook_list"),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def webhook_edit(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription(pk)
    form = WebhookSubscriptionForm(request.POST or None, subscription=subscription)

    def save(data: dict[str, Any]) -> str:
        webhooks.subscription_update(subscription=subscription, **data)
        return subscription.get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("Edit webhook subscription"),
        save=save,
        success_message=_("The subscription was saved."),
        cancel_url=subscription.get_absolute_url(),
    )


@secretariat_required
@require_GET
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription(pk)
    shown = request.session.get(SECRET_SESSION_KEY)
    secret = ""
    if shown and shown.get("pk") == subscription.pk:
        secret = shown["secret"]
        del request.session[SECRET_SESSION_KEY]
    page = Paginator(webhooks.deliveries(subscription), 50).get_page(request.GET.get("page"))
    labels = dict(webhooks.event_choices())
    return render(
        request,
        "notifications/webhook_detail.html",
        {
            "subscription": subscription,
            "events": [labels.get(key, key) for key in subscription.event_types],
            "secret": secret,
            "page": page,
        },
    )


@secretariat_required
@require_POST
def webhook_pause(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription(pk)
    if subscription.is_active:
        webhooks.subscription_pause(subscription=subscription)
        messages.success(request, _("The subscription was paused."))
    return redirect(subscription)


@secretariat_required
@require_POST
def webhook_resume(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription(pk)
    if not subscription.is_active:
        webhooks.subscription_resume(subscription=subscription)
        messages.success(request, _("The subscription was resumed."))
    return redirect(subscription)


@secretariat_required
@require_http_methods(["GET", "POST"])
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription(pk)
    return confirm_page(
        request,
        action=lambda: webhooks.subscription_delete(subscription=subscription),
        title=_("Delete the webhook subscription %(name)s?") % {"name": subscription.name},
        explanation=_(
            "%(actor)s's system stops receiving events at %(url)s. Deliveries still waiting "
            "are not sent."
        )
        % {"actor": subscription.actor.name, "url": subscription.url},
        confirm_label=_("Delete"),
        cancel_url=subscription.get_absolute_url(),
        success_message=_("The subscription was deleted."),
        done_url=reverse("notifications:webhook_list"),
    )
