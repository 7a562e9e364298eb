"""Accounts API: my roles (`/api/v1/accounts/me/`) and role assignments managed by kraj administrators
(`/api/v1/accounts/role-assignments/`, restricted by the scope layer like every other endpoint)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .models import RoleAssignment
from .permissions import ScopedViewSetMixin
from .scope import grants


def _related(name: str):
    """The model a role assignment's foreign key points to (territory and registry sit above accounts)."""
    return RoleAssignment._meta.get_field(name).related_model


class RoleAssignmentSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", queryset=get_user_model().objects.all())
    region = serializers.SlugRelatedField(slug_field="code", queryset=_related("region").objects.all(), required=False,
                                          allow_null=True)
    district = serializers.SlugRelatedField(slug_field="code", queryset=_related("district").objects.all(), required=False,
                                            allow_null=True)
    orp = serializers.SlugRelatedField(slug_field="code", queryset=_related("orp").objects.all(), required=False,
                                       allow_null=True)
    provider = serializers.SlugRelatedField(slug_field="ico", required=False, allow_null=True, read_only=False,
                                            queryset=_related("provider").objects.all())
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = RoleAssignment
        fields = ["id", "user", "role", "role_label", "region", "district", "orp", "provider", "can_approve",
                  "is_active", "note", "created_at"]
        read_only_fields = ["created_at"]

    def validate(self, attrs):
        instance = RoleAssignment(pk=getattr(self.instance, "pk", None), **{**self._current(), **attrs})
        try:
            instance.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict)
        # clean() fills derived levels (kraj of an okres, okres of an ORP): keep them.
        attrs.update({k: getattr(instance, k) for k in ("region", "district") if getattr(instance, k) is not None})
        return attrs

    def _current(self) -> dict:
        if self.instance is None:
            return {}
        return {f: getattr(self.instance, f) for f in
                ("user", "role", "region", "district", "orp", "provider", "can_approve", "is_active", "note")}


class RoleAssignmentViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    serializer_class = RoleAssignmentSerializer
    queryset = RoleAssignment.objects.select_related("user", "region", "district", "orp", "provider").order_by("pk")
    filterset_fields = {"role": ["exact"], "region__code": ["exact"], "is_active": ["exact"]}


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    is_superuser = serializers.BooleanField()
    roles = RoleAssignmentSerializer(many=True)
    active_grants = serializers.IntegerField(help_text="Počet platných rolí.")


@extend_schema(responses=MeSerializer, summary="Přihlášený uživatel a jeho role")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def me(request):
    user = request.user
    roles = RoleAssignment.objects.filter(user=user).select_related("region", "district", "orp", "provider")
    return Response({
        "username": user.get_username(),
        "is_superuser": user.is_superuser,
        "roles": RoleAssignmentSerializer(roles, many=True).data,
        "active_grants": len(grants(user)),
    })
