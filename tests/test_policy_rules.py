"""The policy package itself: one rule per permission, deny by default, roles cached per
request and forgotten when a service changes them."""

from goodoffices.policies import Permission, can, roles_cache, roles_for
from goodoffices.policies.registry import RULES
from goodoffices.processes import services as process_services

from .world import make_user


def test_every_permission_has_exactly_one_rule():
    assert set(RULES) == set(Permission), sorted(set(Permission) - set(RULES))


def test_an_unknown_object_is_refused_by_every_rule(world):
    for permission in Permission:
        if permission in (Permission.FRAMEWORK_CREATE, Permission.ACT_WITHOUT_TWO_FACTOR, Permission.ANALYTICS_SOLVE):
            continue  # these take no object
        assert not can(world.mediator, permission, object()), permission
        assert not can(world.operator, permission, None), permission


def test_anonymous_and_inactive_users_may_do_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    world.head_a.is_active = False
    for permission in Permission:
        assert not can(AnonymousUser(), permission, world.process)
        assert not can(world.head_a, permission, world.party_a)


def test_roles_are_read_once_per_request_and_forgotten_when_they_change(world, django_assert_num_queries):
    newcomer = make_user("newcomer")
    with roles_cache():
        assert not roles_for(newcomer, world.process).admitted
        with django_assert_num_queries(0):
            roles_for(newcomer, world.process)
        process_services.appointment_make(actor=world.operator, process=world.process, user=newcomer, role="observer")
        # The service forgot the newcomer's cached roles: the rest of the request sees the change.
        assert roles_for(newcomer, world.process).observer


def test_without_a_request_nothing_is_cached(world, django_assert_max_num_queries):
    roles_for(world.head_a, world.process)
    with django_assert_max_num_queries(10) as queries:
        roles_for(world.head_a, world.process)
    assert len(queries) > 0
