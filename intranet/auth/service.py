"""Accounts: authentication with lock-out, passwords, and the user records an admin manages."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from intranet.access import scoping
from intranet.access.permissions import ensure
from intranet.access.roles import Role
from intranet.auth.models import LoginAttempt, SignIn, User
from intranet.branches.models import Branch
from intranet.db_types import MAX_ID, utcnow
from intranet.errors import Conflict, DomainError, Invalid
from intranet.extensions import db
from intranet.listing import contains_text

MIN_PASSWORD_LENGTH = 8


@cache
def _dummy_hash(method: str) -> str:
    """A hash made with the method real passwords use, so an unknown login costs as much time as a wrong password."""
    return generate_password_hash(secrets.token_hex(16), method=method)


class LockedOut(DomainError):
    status_code = 429

    def __init__(self, message: str, until: datetime):
        super().__init__(message)
        self.until = until


def normalise_login(login: str) -> str:
    return (login or "").strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _lock_lifts_at(
    column, value: str, limit: int, window: timedelta, now: datetime, success_resets: bool
) -> datetime | None:
    """When `limit` failures sit inside the window (after the last success, if one resets), when the lock lifts."""
    since = now - window
    if success_resets:
        last_success = db.session.scalar(
            select(func.max(LoginAttempt.at)).where(column == value, LoginAttempt.succeeded.is_(True))
        )
        if last_success is not None and last_success > since:
            since = last_success
    failures = db.session.scalars(
        select(LoginAttempt.at)
        .where(column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since)
        .order_by(LoginAttempt.at.desc())
        .limit(limit)
    ).all()
    if len(failures) < limit:
        return None
    return failures[0] + window


def lockout_until(login: str, address: str, now: datetime | None = None) -> datetime | None:
    config = current_app.config
    now = now or utcnow()
    window = timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"])
    candidates = [
        _lock_lifts_at(LoginAttempt.login, login, config["LOGIN_MAX_FAILURES"], window, now, success_resets=True),
        # An address guessing many logins must not reset its count by signing in to one it owns.
        _lock_lifts_at(
            LoginAttempt.address, address, config["LOGIN_MAX_FAILURES_PER_ADDRESS"], window, now, success_resets=False
        ),
    ]
    locks = [until for until in candidates if until is not None and until > now]
    return max(locks) if locks else None


def authenticate(login: str, password: str, address: str, now: datetime | None = None) -> User:
    """Return the user, or raise LockedOut / Invalid. Every attempt is recorded."""
    now = now or utcnow()
    login = normalise_login(login)[:50]
    address = (address or "unknown")[:64]
    until = lockout_until(login, address, now)
    if until is not None:
        raise LockedOut(_("Too many failed attempts. Sign-in is locked for now."), until)
    user = db.session.scalar(select(User).where(User.login == login))
    dummy = _dummy_hash(current_app.config["PASSWORD_HASH_METHOD"])
    valid = check_password_hash(user.password_hash if user else dummy, password or "")
    succeeded = bool(user and valid and user.active)
    db.session.add(LoginAttempt(login=login, address=address, succeeded=succeeded, at=now))
    db.session.flush()
    if not succeeded:
        if user and valid and not user.active:
            raise Invalid(_("This account has been deactivated. Ask an administrator."))
        raise Invalid(_("Wrong login or password."))
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_sign_in(user: User, remember: bool, now: datetime | None = None) -> None:
    """Record this device's sign-in; its token goes into the session (and the remember-me cookie)."""
    now = now or utcnow()
    config = current_app.config
    # The session cookie's own signature ends a plain session 12 hours after its last page; the row
    # bounds every cookie of this sign-in, the remember-me one included.
    lasts = max(config["REMEMBER_COOKIE_DURATION"], config["PERMANENT_SESSION_LIFETIME"])
    db.session.execute(delete(SignIn).where(SignIn.user_id == user.id, SignIn.expires_at < now))
    token = secrets.token_urlsafe(24)
    db.session.add(SignIn(user_id=user.id, token_hash=_token_hash(token), created_at=now, expires_at=now + lasts))
    db.session.flush()
    user.sign_in_token = token


def end_sign_in(user: User) -> None:
    """Sign-out: this device's session and remember-me cookie stop working, wherever a copy of them is."""
    if user.sign_in_token:
        db.session.execute(delete(SignIn).where(SignIn.token_hash == _token_hash(user.sign_in_token)))
        db.session.flush()


# Asked on every request: one statement, the values as parameters.
_SIGNED_IN_USER = (
    select(User)
    .join(SignIn, SignIn.user_id == User.id)
    .where(
        User.id == bindparam("account_id"),
        SignIn.token_hash == bindparam("token_hash"),
        SignIn.expires_at > bindparam("now"),
    )
)


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the id carries auth_version (old sessions die on password change) and the
    device's sign-in token (they die on sign-out)."""
    try:
        raw_id, raw_version, token = user_id.split(".", 2)
        account_id, version = int(raw_id), int(raw_version)
    except (ValueError, AttributeError):
        return None
    if not token or not 0 < account_id <= MAX_ID:
        return None
    user = db.session.scalar(
        _SIGNED_IN_USER, {"account_id": account_id, "token_hash": _token_hash(token), "now": utcnow()}
    )
    if user is None or not user.active or user.auth_version != version:
        return None
    user.sign_in_token = token
    return user


def change_password(actor: User, current: str, new: str) -> None:
    if not check_password_hash(actor.password_hash, current or ""):
        raise Invalid(_("The current password is wrong."))
    _check_password_strength(new)
    actor.password_hash = hash_password(new)
    actor.auth_version += 1
    # Every other device signs in again; this one goes on under the same sign-in.
    others = SignIn.user_id == actor.id
    if actor.sign_in_token:
        others &= SignIn.token_hash != _token_hash(actor.sign_in_token)
    db.session.execute(delete(SignIn).where(others))
    db.session.flush()


def _check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise Invalid(_("A password needs at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))


def set_locale(actor: User, locale: str) -> None:
    actor.locale = locale
    db.session.flush()


@dataclass
class UserData:
    login: str
    name: str
    role: str
    branch_id: int | None
    locale: str | None = None
    password: str | None = None


def _validate_user_data(data: UserData, user: User | None) -> None:
    if data.role not in {r.value for r in Role}:
        raise Invalid(_("Unknown role."))
    if data.branch_id is not None:
        branch = db.session.get(Branch, data.branch_id)
        if branch is None:
            raise Invalid(_("Unknown branch."))
    elif data.role != Role.ADMIN:
        raise Invalid(_("Everyone but an administrator belongs to a branch."))
    login = normalise_login(data.login)
    taken = db.session.scalar(select(User.id).where(User.login == login))
    if taken is not None and (user is None or taken != user.id):
        raise Conflict(_("The login %(login)s is already taken.", login=login))


def create_user(actor: User | None, data: UserData) -> User:
    """Create an account. `actor` None means the command line, which runs as the system."""
    if actor is not None:
        ensure(actor, "users.manage")
    _validate_user_data(data, None)
    _check_password_strength(data.password)
    user = User(
        login=normalise_login(data.login),
        name=data.name.strip(),
        role=data.role,
        branch_id=data.branch_id,
        locale=data.locale,
        password_hash=hash_password(data.password),
    )
    db.session.add(user)
    db.session.flush()
    return user


def update_user(actor: User, user: User, data: UserData) -> User:
    ensure(actor, "users.manage")
    _validate_user_data(data, user)
    if user.id == actor.id and data.role != user.role:
        raise Invalid(_("You cannot change your own role."))
    user.login = normalise_login(data.login)
    user.name = data.name.strip()
    user.role = data.role
    user.branch_id = data.branch_id
    if data.password:
        _check_password_strength(data.password)
        user.password_hash = hash_password(data.password)
        user.auth_version += 1
    db.session.flush()
    return user


def set_user_active(actor: User, user: User, active: bool) -> User:
    ensure(actor, "users.manage")
    if user.id == actor.id and not active:
        raise Invalid(_("You cannot deactivate yourself."))
    if user.active != active:
        user.active = active
        user.auth_version += 1
    db.session.flush()
    return user


def get_user(actor: User, user_id: int) -> User:
    ensure(actor, "users.manage")
    return scoping.get(actor, User, user_id)


def colleagues(actor, *roles: str) -> list[User]:
    """The active people within the actor's reach (their branch's; everyone's for an admin), by name."""
    statement = select(User).where(User.active.is_(True), scoping.visible(actor, User)).order_by(User.name)
    if roles:
        statement = statement.where(User.role.in_(roles))
    return list(db.session.scalars(statement))


def search_users(actor: User, query: str = ""):
    """The admin's user table, filtered by login, name or branch name."""
    ensure(actor, "users.manage")
    return (
        select(User)
        .outerjoin(User.branch)
        .where(contains_text(query, User.login, User.name, Branch.name))
        .order_by(User.active.desc(), User.name)
    )
