"""The categories of a commitment tagged on a clause: the provision types of the Peace Accords Matrix.

Source: the Peace Accords Matrix (PAM) of the Kroc Institute for International Peace Studies,
University of Notre Dame, https://peaceaccords.nd.edu/ , which codes comprehensive peace agreements
on 51 provision types (Joshi, Quinn and Regan, "Annualized implementation data on comprehensive
intrastate peace accords, 1989-2012", Journal of Peace Research 52(4), 2015). The slugs are ours;
the names follow PAM's, except where noted below. Two categories are not PAM provision types and
are marked as such: they name what the agreements of this platform's demo are about.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# slug -> label; the order is PAM's alphabetical order, with the additions at the end.
CATEGORIES: dict[str, str | Promise] = {
    "amnesty": _("Amnesty"),
    "arms_embargo": _("Arms embargo"),
    "boundary_demarcation": _("Boundary demarcation"),
    "ceasefire": _("Ceasefire"),
    "childrens_rights": _("Children's rights"),
    "citizenship_reform": _("Citizenship reform"),
    "civil_administration_reform": _("Civil administration reform"),
    "commission_on_damage_or_loss": _("Commission to address damage or loss"),
    "constitutional_reform": _("Constitutional reform"),
    "cultural_protections": _("Cultural protections"),
    "decentralisation_or_federalism": _("Decentralisation or federalism"),
    "demobilisation": _("Demobilisation"),
    "implementation_timeline": _("Detailed implementation timeline"),
    "disarmament": _("Disarmament"),
    "dispute_resolution_mechanism": _("Dispute resolution mechanism"),
    "donor_support": _("Donor support"),
    "economic_and_social_development": _("Economic and social development"),
    "education_reform": _("Education reform"),
    "electoral_or_party_reform": _("Electoral or political party reform"),
    "executive_branch_reform": _("Executive branch reform"),
    "human_rights": _("Human rights"),
    "independence_referendum": _("Independence referendum"),
    "indigenous_minority_rights": _("Indigenous minority rights"),
    "inter_ethnic_or_state_relations": _("Inter-ethnic or inter-state relations"),
    "internally_displaced_persons": _("Internally displaced persons"),
    "judiciary_reform": _("Judiciary reform"),
    "legislative_branch_reform": _("Legislative branch reform"),
    "media_reform": _("Media reform"),
    "military_reform": _("Military reform"),
    "minority_rights": _("Minority rights"),
    "natural_resource_management": _("Natural resource management"),
    "official_languages_and_symbols": _("Official languages and symbols"),
    "paramilitary_groups": _("Paramilitary groups"),
    # PAM: "UN peacekeeping force"; here any peacekeeping force (the 2020 statement's was not the UN's).
    "peacekeeping_force": _("Peacekeeping force"),
    "police_reform": _("Police reform"),
    "power_sharing_transitional_government": _("Power-sharing transitional government"),
    "prisoner_release": _("Prisoner release"),
    "ratification_mechanism": _("Ratification mechanism"),
    "refugees": _("Refugees"),
    "reintegration": _("Reintegration"),
    "religious_groups": _("Religious groups"),
    "reparations": _("Reparations"),
    "review_of_agreement": _("Review of agreement"),
    "right_of_self_determination": _("Right of self-determination"),
    "territorial_power_sharing": _("Territorial power sharing"),
    "transitional_justice": _("Transitional justice"),
    "truth_or_reconciliation_mechanism": _("Truth or reconciliation mechanism"),
    "un_transitional_authority": _("UN transitional authority"),
    "verification_or_monitoring_mechanism": _("Verification or monitoring mechanism"),
    "withdrawal_of_troops": _("Withdrawal of troops"),
    "womens_rights": _("Women's rights"),
    # Not PAM provision types: the 2020 statement's point 9 and the demo's text (PAM's nearest are
    # "Economic and social development" and "Human rights").
    "economic_and_transport_links": _("Economic and transport links"),
    "humanitarian_access": _("Humanitarian access"),
}


def category_label(slug: str) -> str:
    """The category's name in the active language (a slug not in the list is shown as it is)."""
    return str(CATEGORIES.get(slug, slug))
