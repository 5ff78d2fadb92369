"""Every list with live search: the box sits in a search form, asks its own list and replaces only the results."""

import pytest

from intranet.access.roles import Role


@pytest.mark.parametrize(
    ("role", "url", "box", "results", "placeholder"),
    [
        (Role.ADMIN, "/admin/users", "user-search", "user-table", "Login, name or branch"),
        (Role.ADMIN, "/admin/branches", "branch-search", "branch-table", "Code, name or city"),
        (Role.RECEPTIONIST, "/customers", "customer-search", "customer-results", "Name, phone, address or contact"),
        (Role.TECHNICIAN, "/parts", "part-search", "part-results", "Code or name"),
    ],
)
def test_the_search_box_swaps_only_its_own_results(client, make_user, role, url, box, results, placeholder):
    client.login(make_user(role))
    page = client.get(f"{url}?q=abc", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f'<label class="visually-hidden" for="{box}">' in page  # read aloud by screen readers
    assert f'id="{box}" type="search" name="q" value="abc" placeholder="{placeholder}"' in page
    assert f'hx-get="{url}" hx-trigger="input changed delay:300ms, search"' in page
    assert f'hx-target="#{results}" hx-push-url="true"' in page  # the address keeps the search
    assert f'<section id="{results}"' in page and 'aria-label="Search results"' in page  # a named region
    fragment = client.htmx_get(f"{url}?q=abc", target=results).get_data(as_text=True)
    assert "<html" not in fragment and box not in fragment
