"""Factories that build valid rows through the same services users go through."""

import itertools

import factory
from django.contrib.auth import get_user_model

from annotations import services
from annotations.models import Role

_counter = itertools.count(1)

SAMPLE_TEXT = (
    "KANSAS CITY, Mo. (AP) -- The city council approved a $2.5 million budget on Monday. "
    "Mayor Jane Smith said the plan would cut crime by 10%.\n\n"
    'Critics disagreed. "It will not work," said Sen. John Doe.'
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_project(*, owner=None, name=None, **members):
    """A project with the default claim types; ``members`` maps role names to users."""
    n = next(_counter)
    project = services.create_project(name=name or f"Project {n}", slug=f"project-{n}", owner=owner)
    for role, users in members.items():
        for user in users if isinstance(users, list | tuple) else [users]:
            services.add_member(project=project, user=user, role=Role(role))
    return project


def make_document(project, *, text=SAMPLE_TEXT, title=None, **fields):
    n = next(_counter)
    return services.import_document(
        project=project,
        data=services.DocumentInput(title=title or f"Document {n}", text=text, **fields),
    )


def make_annotation(document=None, *, user, sentence_index=0, claim_type=None, **fields):
    sentence = document.sentences.get(index=sentence_index)
    claim_type = claim_type or document.project.claim_types.get(slug="statistic")
    return services.create_annotation(user=user, sentence=sentence, claim_type=claim_type, **fields)
