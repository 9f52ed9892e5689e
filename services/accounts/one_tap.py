"""One-tap links in reminders: a session reaching the link's one task or hazard, for the officer
it was signed for, while the officer's credential version is the link's."""

from dataclasses import dataclass

from sqlmodel import Session

from models.enums import SessionKind
from services.accounts import login, sign_ins
from services.accounts.identity import web_policy
from services.core import links
from services.permissions.principal import Principal, load_principal


@dataclass(frozen=True)
class LinkOpened:
    """What following a one-tap link did: who the browser now acts as (or would, after asking),
    whether a session was started (the cookie changes), and whether to ask first."""

    who: Principal
    started: bool
    ask: bool


def follow_link(
    *,
    session: Session,
    kind: str,
    item_id: int,
    token: str,
    current: Principal | None,
    client: str,
    switch: bool = False,
) -> LinkOpened:
    """Follow a one-tap link to an officer's task or hazard: a session reaching that one item.
    The link is bound to the officer's credential version (a new password voids it), not
    single-use; where someone else is signed in on this browser, nothing changes unless switch
    (the person confirmed). links.BadLink when the link cannot be used."""
    days = web_policy().link_valid_days
    officer_id, pv = links.check_item_token(
        token, kind=kind, item_id=item_id, max_age_seconds=days * 86400
    )
    holder = load_principal(
        session=session, kind="officer", person_id=officer_id, pv=pv, only=(kind, item_id)
    )
    if holder is None:
        raise links.BadLink("链接已失效（账号已停用，或密码已修改）")
    if current is not None:
        same = current.is_officer and current.id == holder.id
        if same and current.only is None:
            return LinkOpened(current, False, False)  # the officer's own full session
        if not same and not switch:
            return LinkOpened(holder, False, True)  # someone else: ask first
        login.close(session=session, who=current)
    started = sign_ins.start(session=session, who=holder, kind=SessionKind.LINK, client=client)
    return LinkOpened(started, True, False)
