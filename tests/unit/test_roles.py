"""Role → permission rules that the sidebar, the API and the admin handlers share."""

from shop_core.accounts.roles import Perm, Role, has_permission, permissions_for


def test_owner_has_everything_customer_nothing():
    assert permissions_for("owner") == frozenset(Perm)
    assert permissions_for("customer") == frozenset()
    assert permissions_for("no-such-role") == frozenset()


def test_staff_roles_reach_admin_but_only_their_areas():
    for role in Role:
        assert has_permission(role, Perm.ADMIN_ACCESS) is (role is not Role.CUSTOMER)
    assert has_permission("catalog_manager", Perm.CATALOG_MANAGE)
    assert not has_permission("support_technician", Perm.CATALOG_MANAGE)
    assert has_permission("support_technician", Perm.SUPPORT_HANDLE)
    assert not has_permission("marketer", Perm.USERS_MANAGE)
    assert not has_permission("operations", Perm.INVITATIONS_MANAGE)
