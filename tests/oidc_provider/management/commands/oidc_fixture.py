"""Create or update the provider's applications and users from a JSON spec (the test fixture
runs this): {"applications": [{"client_id", "client_secret", "redirect_uris": [...]}],
"users": [{"username", "email", "password", "first_name", "last_name", "flags": [...]}]}."""

import json

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from oauth2_provider.models import Application


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("spec", help="the JSON spec")

    def handle(self, *args, **options):
        spec = json.loads(options["spec"])
        for app in spec.get("applications", []):
            application = Application.objects.filter(client_id=app["client_id"]).first()
            if application is None:
                application = Application(client_id=app["client_id"])
            uris = set(application.redirect_uris.split()) | set(app["redirect_uris"])
            application.name = app["client_id"]
            application.client_type = Application.CLIENT_CONFIDENTIAL
            application.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
            application.client_secret = app["client_secret"]
            application.redirect_uris = " ".join(sorted(uris))
            application.skip_authorization = True
            application.algorithm = Application.RS256_ALGORITHM
            application.save()
        for spec_user in spec.get("users", []):
            user, _created = User.objects.get_or_create(username=spec_user["username"])
            user.email = spec_user["email"]
            user.first_name = spec_user.get("first_name", "")
            user.last_name = spec_user.get("last_name", "")
            user.set_password(spec_user["password"])
            user.save()
            user.groups.set(
                [Group.objects.get_or_create(name=flag)[0] for flag in spec_user.get("flags", [])]
            )
