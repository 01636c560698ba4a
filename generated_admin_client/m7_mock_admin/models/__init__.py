"""Contains all the data models used in inputs/outputs"""

from .account_credentials import AccountCredentials
from .advance_clock import AdvanceClock
from .agent import Agent
from .agent_status import AgentStatus
from .agent_update import AgentUpdate
from .call import Call
from .call_mode_type_1 import CallModeType1
from .call_mode_type_2_type_1 import CallModeType2Type1
from .call_mode_type_3_type_1 import CallModeType3Type1
from .call_state import CallState
from .clock import Clock
from .clock_setting import ClockSetting
from .console_config import ConsoleConfig
from .console_config_auth_mode import ConsoleConfigAuthMode
from .console_config_mode import ConsoleConfigMode
from .console_config_mode_drift import ConsoleConfigModeDrift
from .console_config_mode_drift_by_kind import ConsoleConfigModeDriftByKind
from .console_config_mode_fallback import ConsoleConfigModeFallback
from .console_config_mode_kind import ConsoleConfigModeKind
from .difference import Difference
from .drop_fault import DropFault
from .error_envelope import ErrorEnvelope
from .faults import Faults
from .faults_operations import FaultsOperations
from .field_error import FieldError
from .freeze_clock import FreezeClock
from .get_journal_operation import GetJournalOperation
from .health import Health
from .health_status import HealthStatus
from .journal import Journal
from .journal_cleared import JournalCleared
from .journal_entry import JournalEntry
from .journal_entry_headers import JournalEntryHeaders
from .journal_entry_operation_type_1 import JournalEntryOperationType1
from .journal_entry_operation_type_2_type_1 import JournalEntryOperationType2Type1
from .journal_entry_operation_type_3_type_1 import JournalEntryOperationType3Type1
from .latency_fault import LatencyFault
from .monitor_mode import MonitorMode
from .named_outcome import NamedOutcome
from .near_miss import NearMiss
from .new_account import NewAccount
from .new_call import NewCall
from .operation_facts import OperationFacts
from .operation_facts_operation_id import OperationFactsOperationId
from .operation_facts_term import OperationFactsTerm
from .operation_faults import OperationFaults
from .page_signing import PageSigning
from .page_signing_accounts_item import PageSigningAccountsItem
from .role import Role
from .scenario_account import ScenarioAccount
from .scenario_agent import ScenarioAgent
from .scenario_call import ScenarioCall
from .snapshot import Snapshot
from .state import State
from .status_fault import StatusFault
from .vendor_operation import VendorOperation
from .verification import Verification
from .verification_rule import VerificationRule
from .verify_request import VerifyRequest
from .verify_request_where import VerifyRequestWhere

__all__ = (
    "AccountCredentials",
    "AdvanceClock",
    "Agent",
    "AgentStatus",
    "AgentUpdate",
    "Call",
    "CallModeType1",
    "CallModeType2Type1",
    "CallModeType3Type1",
    "CallState",
    "Clock",
    "ClockSetting",
    "ConsoleConfig",
    "ConsoleConfigAuthMode",
    "ConsoleConfigMode",
    "ConsoleConfigModeDrift",
    "ConsoleConfigModeDriftByKind",
    "ConsoleConfigModeFallback",
    "ConsoleConfigModeKind",
    "Difference",
    "DropFault",
    "ErrorEnvelope",
    "Faults",
    "FaultsOperations",
    "FieldError",
    "FreezeClock",
    "GetJournalOperation",
    "Health",
    "HealthStatus",
    "Journal",
    "JournalCleared",
    "JournalEntry",
    "JournalEntryHeaders",
    "JournalEntryOperationType1",
    "JournalEntryOperationType2Type1",
    "JournalEntryOperationType3Type1",
    "LatencyFault",
    "MonitorMode",
    "NamedOutcome",
    "NearMiss",
    "NewAccount",
    "NewCall",
    "OperationFacts",
    "OperationFactsOperationId",
    "OperationFactsTerm",
    "OperationFaults",
    "PageSigning",
    "PageSigningAccountsItem",
    "Role",
    "ScenarioAccount",
    "ScenarioAgent",
    "ScenarioCall",
    "Snapshot",
    "State",
    "StatusFault",
    "VendorOperation",
    "Verification",
    "VerificationRule",
    "VerifyRequest",
    "VerifyRequestWhere",
)
