"""The network: actors, their people with logins and functions, forums with seats, the bench
member the load test logs in as, and everyone's inbox."""

import datetime
import random

from django.contrib.auth import get_user_model
from stdnum import luhn

from actors.models import Actor, ActorFunction, Assignment, Function, MunicipalCluster, Person
from forums.models import ClusterRepresentation, CollaborationLevel, Forum, Seat
from notifications.models import Channel, Notification

from .base import (
    ACTIVATED_FORUMS,
    BENCH_USERNAME,
    FUNCTIONS_PER_ACTOR,
    LEVELS,
    OTHER_KINDS,
    SEATS_PER_FORUM,
    Counts,
    bulk,
    copy_rows,
    municipalities,
    prose,
)


def org_number(index: int) -> str:
    """A valid-looking Swedish organisation number (Luhn), unique per index."""
    body = f"2{index:08d}"
    digits = body + luhn.calc_check_digit(body)
    return f"{digits[:6]}-{digits[6:]}"


def add_actors(count: int, clusters: list[MunicipalCluster], counts: Counts) -> list[Actor]:
    actors = []
    for index, (code, name) in enumerate(municipalities()[:count]):
        actors.append(
            Actor(
                name=f"{name} kommun",
                short_name=name,
                kind=Actor.Kind.MUNICIPALITY,
                municipality_code=code,
                cluster=clusters[index % len(clusters)],
            )
        )
    for index in range(len(actors), count):
        actors.append(
            Actor(
                name=f"Bänkaktör {index:05d}",
                short_name=f"BA{index:05d}",
                kind=OTHER_KINDS[index % len(OTHER_KINDS)],
            )
        )
    for index, actor in enumerate(actors):
        actor.org_number = org_number(index)
        actor.member_since = datetime.date(2022, 1, 1)
        actor.invoice_address = f"Box {100 + index}\n111 {index % 90 + 10:02d} Stockholm"
        actor.invoice_email = f"faktura{index}@aktor{index}.example"
        actor.email = f"registrator{index}@aktor{index}.example"
    return bulk(Actor, actors, counts)


def add_people(
    rng: random.Random, actors: list[Actor], functions: list[Function], per_actor: int, counts
) -> tuple[dict[int, list[ActorFunction]], list[Person]]:
    """Functions per actor, ``per_actor`` people per actor with logins, each holding or
    deputising for one function of their employer."""
    actor_functions = []
    for actor in actors:
        for function_index in sorted(rng.sample(range(len(functions)), FUNCTIONS_PER_ACTOR)):
            actor_functions.append(
                ActorFunction(
                    actor=actor,
                    function=functions[function_index],
                    contact_email=f"funktion{function_index}@aktor{actor.pk}.example",
                )
            )
    actor_functions = bulk(ActorFunction, actor_functions, counts)
    by_actor: dict[int, list[ActorFunction]] = {}
    for af in actor_functions:
        by_actor.setdefault(af.actor_id, []).append(af)

    # Users, people and assignments by COPY (30,000 of each at scale 10), read back in order.
    users, people = [], []
    for actor_index, actor in enumerate(actors):
        for n in range(per_actor):
            number = actor_index * per_actor + n
            users.append(
                {
                    "username": f"bank.{number:06d}",
                    "first_name": f"Förnamn{number}",
                    "last_name": f"Efternamn{number}",
                    "password": "!",  # no usable password: nobody logs in as them
                }
            )
            people.append(
                {
                    "first_name": f"Förnamn{number}",
                    "last_name": f"Efternamn{number}",
                    "title": "Handläggare",
                    "actor_id": actor.pk,
                    "email": f"person{number}@aktor{actor_index}.example",
                }
            )
    user_model = get_user_model()
    copy_rows(user_model, users, counts)
    user_ids = dict(
        user_model.objects.filter(username__startswith="bank.").values_list("username", "pk")
    )
    for person, user in zip(people, users, strict=True):
        person["user_id"] = user_ids[user["username"]]
    copy_rows(Person, people, counts)
    people = list(Person.objects.filter(user__username__startswith="bank.").order_by("pk"))

    assignments = []
    for actor_index, actor in enumerate(actors):
        staff = people[actor_index * per_actor : (actor_index + 1) * per_actor]
        functions_here = by_actor[actor.pk]
        for n, person in enumerate(staff):
            assignments.append(
                {
                    "actor_function_id": functions_here[(n // 2) % len(functions_here)].pk,
                    "person_id": person.pk,
                    "role": Assignment.Role.HOLDER if n % 2 == 0 else Assignment.Role.DEPUTY,
                    "starts_on": datetime.date(2023, 1, 1),
                }
            )
    copy_rows(Assignment, assignments, counts)
    return by_actor, people


def add_forums(
    rng: random.Random,
    count: int,
    actors: list[Actor],
    by_actor: dict[int, list[ActorFunction]],
    clusters: list[MunicipalCluster],
    functions: list[Function],
    counts: Counts,
) -> list[Forum]:
    levels = bulk(
        CollaborationLevel,
        [CollaborationLevel(name=name, position=i) for i, name in enumerate(LEVELS)],
        counts,
    )
    kinds = Forum.Kind.values
    forums = bulk(
        Forum,
        [
            Forum(
                name=f"Bänkforum {i:04d}",
                kind=kinds[i % len(kinds)],
                level=levels[i % len(levels)],
                purpose=prose(rng, 2),
                convening_actor=actors[rng.randrange(len(actors))],
                activated_name=f"Aktiverat bänkforum {i:04d}",
            )
            for i in range(count)
        ],
        counts,
    )
    seats = []
    for i, forum in enumerate(forums):
        chosen = rng.sample(range(len(actors)), min(SEATS_PER_FORUM, len(actors)))
        if i < ACTIVATED_FORUMS and 0 not in chosen:
            chosen[0] = 0  # the bench member's actor sits in the activated forums
        for position, actor_index in enumerate(chosen):
            actor = actors[actor_index]
            af = by_actor[actor.pk][0 if actor_index == 0 else position % FUNCTIONS_PER_ACTOR]
            seats.append(Seat(forum=forum, actor=actor, function_id=af.function_id))
        if i % 4 == 0:
            seats.append(
                Seat(forum=forum, cluster=clusters[i % len(clusters)], function=functions[0])
            )
    bulk(Seat, seats, counts)
    representations = []
    for cluster in clusters:
        member = next((a for a in actors if a.cluster_id == cluster.pk), None)
        if member is not None:
            representations.append(
                ClusterRepresentation(
                    cluster=cluster, municipality=member, starts_on=datetime.date(2023, 1, 1)
                )
            )
    bulk(ClusterRepresentation, representations, counts)
    return forums


def add_bench_member(actors: list[Actor], by_actor, counts: Counts) -> Person:
    """The member the load test logs in as: holds the first function of the first actor, which
    has a seat in every forum the bench incident activates. Not on call, so no second factor."""
    user = get_user_model().objects.create(
        username=BENCH_USERNAME, first_name="Bänk", last_name="Medlem", password="!"
    )
    person = Person.objects.create(
        user=user,
        first_name="Bänk",
        last_name="Medlem",
        title="Säkerhetssamordnare",
        actor=actors[0],
        email="bank.medlem@aktor0.example",
    )
    Assignment.objects.create(
        actor_function=by_actor[actors[0].pk][0], person=person, starts_on=datetime.date(2023, 1, 1)
    )
    counts.add("bench member", 1)
    return person


def add_inbox(people: list[Person], now, per_person: int, counts: Counts) -> None:
    rows = []
    for person in people:
        for n in range(per_person):
            created = now - datetime.timedelta(days=n + 1)
            rows.append(
                {
                    "dedupe_key": f"bench:{person.pk}:{n}",
                    "recipient_id": person.pk,
                    "channel": Channel.PORTAL,
                    "kind": "meeting_invitation",
                    "address": str(person.user_id),
                    "subject": f"Kallelse till möte {n + 1}",
                    "body": "Du är kallad till ett möte i ett av dina forum.",
                    "reason": "Du har en plats i forumet.",
                    "status": Notification.Status.SENT,
                    "created_at": created,
                    "sent_at": created,
                    "read_at": created if n % 2 else None,
                }
            )
    copy_rows(Notification, rows, counts)
