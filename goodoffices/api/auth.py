from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from goodoffices.accounts.services import api_token_authenticate


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token=token)
        if user is not None:
            request.user = user
        return user


bearer = BearerToken()
session = SessionAuth()
