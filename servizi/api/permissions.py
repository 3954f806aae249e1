from rest_framework.permissions import SAFE_METHODS, BasePermission

from servizi.models import Ente
from servizi.permissions import can_edit_ente


class CatalogoPermission(BasePermission):
    """Anyone reads; writing needs a login; an object is changed by its Ente's referents
    or by curators."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or bool(
            request.user and request.user.is_authenticated
        )

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        ente = obj if isinstance(obj, Ente) else obj.ente
        return can_edit_ente(request.user, ente)
