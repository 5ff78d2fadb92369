"""Who may do what: roles and their permissions, the permission check, and the scoping registry."""
