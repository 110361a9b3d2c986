"""A real Django e-mail backend for tests whose mail server can be made to fail."""

from collections.abc import Callable
from typing import Any, ClassVar

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend


class FlakyBackend(BaseEmailBackend):
    """Delivers into ``django.core.mail.outbox`` like the locmem backend, except while ``down``:
    then every send raises, as an unreachable SMTP server does."""

    down: ClassVar[bool] = False
    # Called while a message is being sent (to act as a second worker at that moment).
    while_sending: ClassVar[Callable[[], None] | None] = None

    def send_messages(self, email_messages: Any) -> int:
        if FlakyBackend.down:
            raise ConnectionRefusedError(111, "Connection refused")
        hook = FlakyBackend.while_sending
        if hook is not None:
            FlakyBackend.while_sending = None
            hook()
        messages = list(email_messages)
        if not hasattr(mail, "outbox"):
            mail.outbox = []
        mail.outbox.extend(messages)
        return len(messages)
