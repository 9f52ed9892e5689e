"""SQLModel tables, one file per concept; importing this package registers them all."""

from models.assignment import Assignment
from models.audit import AuditEvent
from models.banquet import Banquet, Chef, ChefTraining
from models.briefing import Briefing
from models.calendar import CalendarDay, CalendarYear
from models.campaign import Campaign
from models.entity import Entity
from models.entity_state import EntityState
from models.evidence import HazardEvidence
from models.handover import Handover
from models.hazard import Hazard, HazardRecurrence
from models.informant import Informant
from models.job_run import JobRun
from models.jurisdiction import Jurisdiction
from models.notification import Notification
from models.officer import Officer
from models.record import InspectionRecord
from models.sign_in import LoginFailure, SignIn
from models.task import InspectionTask
from models.user import User

__all__ = [
    "Assignment",
    "AuditEvent",
    "Banquet",
    "Briefing",
    "CalendarDay",
    "CalendarYear",
    "Campaign",
    "Chef",
    "ChefTraining",
    "Entity",
    "EntityState",
    "Handover",
    "Hazard",
    "HazardEvidence",
    "HazardRecurrence",
    "Informant",
    "InspectionRecord",
    "InspectionTask",
    "JobRun",
    "Jurisdiction",
    "LoginFailure",
    "Notification",
    "Officer",
    "SignIn",
    "User",
]
