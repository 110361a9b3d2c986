from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from goodoffices.accounts.models import User
from goodoffices.accounts.services import api_token_create, totp_verify
from goodoffices.policies import two_factor_missing

from . import problems
from .agreements import router as agreements_router
from .analytics import router as analytics_router
from .auth import TWO_FACTOR_FIRST, bearer, session
from .caucus import router as caucus_router
from .meetings import router as meetings_router
from .monitoring import body_schemas
from .monitoring import router as monitoring_router
from .operators import router as operators_router
from .processes import router as processes_router
from .schemas import MeOut, TokenIn, TokenOut
from .texts import router as texts_router


class GoodOfficesAPI(problems.ProblemsAPI):
    """The schemas of the request bodies an operation reads itself (as JSON, or from a multipart part
    beside its files) are in the description's components too, so that their ``$ref`` resolves."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"]["schemas"].update(body_schemas())
        return schema


api = GoodOfficesAPI(
    title="Good Offices API",
    version="1",
    description="Mandated, mediated dialogue between the parties to a dispute. "
    "Errors are RFC 9457 application/problem+json.",
    urls_namespace="api-v1",
    auth=[bearer, session],
    docs_url="/docs",
)
problems.install(api)

auth_router = Router(tags=["auth"])


# One answer for a wrong password and a wrong or missing code: it never tells which was wrong.
BAD_CREDENTIALS = "wrong username, password or one-time code (otp)"
THROTTLED = "too many failed sign-ins to this account from your address; wait and try again"


@auth_router.post("/auth/token", auth=None, response={200: TokenOut}, summary="Exchange credentials for a token")
def token_create(request: HttpRequest, payload: TokenIn) -> TokenOut:
    """The same rule as the site's sign-in: password, and the code of an account with two-factor on."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if not isinstance(user, User) or not totp_verify(user=user, code=payload.otp or ""):
        if isinstance(user, User):
            # A wrong second factor counts towards the throttle like a wrong password.
            user_login_failed.send(sender=__name__, credentials={"username": payload.username}, request=request)
        if getattr(request, "axes_locked_out", False):
            raise HttpError(429, THROTTLED)
        raise HttpError(401, BAD_CREDENTIALS)
    if two_factor_missing(user):
        raise HttpError(403, TWO_FACTOR_FIRST)
    _, clear = api_token_create(user=user, name="api")
    return TokenOut(token=clear)


@auth_router.get("/me", response=MeOut, summary="Who you are")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    assert isinstance(user, User)
    return MeOut(
        username=user.username,
        name=str(user),
        timezone=user.timezone,
        language=user.language,
        two_factor=user.totp_enabled,
    )


api.add_router("", auth_router)
api.add_router("", processes_router)
api.add_router("", meetings_router)
api.add_router("", caucus_router)
api.add_router("", operators_router)
api.add_router("", texts_router)
api.add_router("", agreements_router)
api.add_router("", monitoring_router)
api.add_router("", analytics_router)
