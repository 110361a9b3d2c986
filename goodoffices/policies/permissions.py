"""The permission vocabulary: ``<resource>:<action>``, one name per act a policy rule decides."""

from enum import StrEnum


class Permission(StrEnum):
    # Accounts.
    ACT_WITHOUT_TWO_FACTOR = "account:act_without_two_factor"
    # Frameworks and mandates: the operators' business.
    FRAMEWORK_CREATE = "framework:create"
    FRAMEWORK_MANAGE = "framework:manage"
    MANDATE_CREATE = "framework:create_mandate"
    MANDATE_AMEND = "mandate:amend"
    PROCESS_CREATE = "mandate:create_process"
    # A process and who is in it.
    PROCESS_VIEW = "process:view"
    APPOINTMENT_MANAGE = "process:appoint"
    ACCOUNT_LOOKUP = "process:look_up_accounts"
    DELEGATION_MANAGE = "party:manage_delegation"
    DELEGATION_HEAD_MANAGE = "party:manage_head"
    EVENT_VIEW = "event:view"
    # A caucus: one party and the mediators.
    CAUCUS_VIEW = "caucus:view"
    CAUCUS_POST = "caucus:post"
    # Meetings on reciprocal readiness.
    PROPOSALS_VIEW = "process:view_proposals"
    PROPOSAL_CREATE = "process:propose_meeting"
    PROPOSAL_RESPOND = "proposal:respond"
    PROPOSAL_DECLINE = "proposal:decline"
    PROPOSAL_WITHDRAW = "proposal:withdraw"
    PROPOSAL_REFERENCE_VIEW = "meeting:view_proposal"
    MEETING_RECORD = "meeting:record"
    MEETING_APPROVE = "meeting:approve_minutes"
    MINUTES_DRAFT_VIEW = "meeting:view_draft_minutes"
    COMMUNIQUE_DRAFT = "meeting:draft_communique"
    COMMUNIQUE_CONSENT = "communique:consent"
    DECLASSIFICATION_REQUEST = "meeting:request_declassification"
    DECLASSIFICATION_CONSENT = "meeting:consent_declassification"
    # Negotiating texts: kept by the mediators, amended and weighed by the parties.
    TEXT_CREATE = "process:create_text"
    TEXT_REVISE = "text:revise"
    TEXT_COMMENT = "text:comment"
    AMENDMENT_PROPOSE = "party:propose_amendment"
    AMENDMENT_DECIDE = "text:decide_amendment"
    POSITION_SET = "party:set_position"
    COMMITMENT_TAG = "text:tag_commitment"
    # Agreements: adopted by joint consent, signed by each party's signatory, witnessed.
    ADOPTION_PUT = "text:put_to_adoption"
    ADOPTION_CONSENT = "adoption:consent"
    SIGNING_KEYS_VIEW = "process:view_signing_keys"
    SIGNING_KEY_REGISTER = "process:register_signing_key"
    SIGNING_KEY_RETIRE = "signing_key:retire"
    AGREEMENT_SIGN = "agreement:sign"
    # Monitoring of commitments: monitors and guarantors report, the obligor party answers.
    REPORT_FILE = "commitment:file_report"
    REPORT_ANSWER = "party:answer_report"
    # Negotiation analytics: private preferences per party, the combined analysis for the mediators.
    ANALYTICS_SOLVE = "analytics:solve"
    ANALYSIS_CREATE = "process:create_analysis"
    ANALYSIS_VIEW = "analysis:view"
    ANALYSIS_COMBINED_VIEW = "analysis:view_combined"
    PREFERENCES_VIEW = "party:view_preferences"
    PREFERENCES_SET = "party:set_preferences"
