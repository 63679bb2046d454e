"""Serializers of the project, claim type and member endpoints (``project_views``).

The project and claim type output serializers are shared with the rest of the API and
live in ``serializers``; here are the members' output and every input of these endpoints.
"""

from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from rest_framework import serializers

from annotations import messages
from annotations.api.serializers import MAX_INT, StrictSerializer, UserSummarySerializer
from annotations.models import ClaimType, Membership, Project, Role

MAX_CLAIM_TYPES = 1000


def model_field(model, name: str, field_class=serializers.CharField, **kwargs):
    """An input field with the model field's length limit, validators and help text."""
    field = model._meta.get_field(name)
    validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    if field_class is serializers.SlugField:
        validators = []  # DRF's SlugField checks the same pattern (and documents it)
    help_text = field.help_text or None
    return field_class(
        max_length=field.max_length, validators=validators, help_text=help_text, **kwargs
    )


# --- output -------------------------------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):
    """A member of the project and their role."""

    user = UserSummarySerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["user", "role", "created_at"]
        read_only_fields = fields


# --- input --------------------------------------------------------------------------------


class ProjectWriteSerializer(StrictSerializer):
    """What an owner may change on a project (the PATCH body; all optional)."""

    name = model_field(Project, "name", min_length=1, required=False)
    slug = model_field(Project, "slug", serializers.SlugField, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    independent_annotation = serializers.BooleanField(
        required=False, help_text=Project._meta.get_field("independent_annotation").help_text
    )


class ProjectCreateSerializer(ProjectWriteSerializer):
    """A new project; without a slug one is made from the name."""

    name = model_field(Project, "name", min_length=1)


class ClaimTypeWriteSerializer(StrictSerializer):
    """What an owner may change on a claim type (the PATCH body; all optional)."""

    slug = model_field(ClaimType, "slug", serializers.SlugField, required=False)
    name = model_field(ClaimType, "name", min_length=1, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    color = model_field(ClaimType, "color", required=False)
    shortcut = model_field(ClaimType, "shortcut", required=False, allow_blank=True)
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    is_default = serializers.BooleanField(
        required=False, help_text="Making this the default takes the mark from the previous one."
    )


class ClaimTypeCreateSerializer(ClaimTypeWriteSerializer):
    """A new claim type; without a slug one is made from the name, without a position
    it goes last."""

    name = model_field(ClaimType, "name", min_length=1)


class ClaimTypeOrderSerializer(StrictSerializer):
    """The new display order of a project's claim types."""

    order = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_INT),
        max_length=MAX_CLAIM_TYPES,
        help_text="The id of every claim type of the project, in the new display order.",
    )


class MemberCreateSerializer(StrictSerializer):
    """A user to add to the project, by username."""

    username = serializers.CharField(
        min_length=1,
        max_length=get_user_model()._meta.get_field("username").max_length,
        help_text="An active user who is not a member yet.",
    )
    role = serializers.ChoiceField(choices=Role.choices, default=Role.ANNOTATOR)

    def validate_username(self, value):
        user = get_user_model().objects.filter(username=value, is_active=True).first()
        if user is None:
            raise serializers.ValidationError(messages.NO_SUCH_USER.format(value=value))
        return user


class MemberUpdateSerializer(StrictSerializer):
    """A member's new role (the PATCH body; without it nothing changes)."""

    role = serializers.ChoiceField(choices=Role.choices, required=False)
