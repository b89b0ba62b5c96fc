"""The one model of the project package: the second factor an identity provider asserted."""

from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


class IdentityProviderDevice(Device):
    """Stands for the second factor that the user's identity provider checked and asserted in its
    ID token (amr/acr). django-otp counts a session as verified when a device of the user is in
    it; logging in through a provider that asserted two factors puts this one there. It accepts
    no codes: the portal's own TOTP and backup codes stay the only devices one types into, and
    ``ssr_portal.two_factor`` does not count this one as enrolment."""

    class Meta(Device.Meta):
        verbose_name = _("identity provider (second factor)")
        verbose_name_plural = _("identity providers (second factor)")

    def verify_token(self, token: str) -> bool:
        return False
