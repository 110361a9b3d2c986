"""Agreements, one module per step: adoption by joint consent, signing keys, signatures. Each service
checks policy, validates, writes and records its events in one transaction."""

from .adoption import ConsentOutcome, adoption_consent, adoption_put
from .keys import signing_key_register, signing_key_retire
from .signing import FRESH_SIGN_IN, FreshSignInNeeded, agreement_sign, sign_in_is_fresh

__all__ = [
    "FRESH_SIGN_IN",
    "ConsentOutcome",
    "FreshSignInNeeded",
    "adoption_consent",
    "adoption_put",
    "agreement_sign",
    "sign_in_is_fresh",
    "signing_key_register",
    "signing_key_retire",
]
