"""Operations: backup and restore, the doctor, the health check, upgrades and the calendar
import — what keeps an installation safe and current over the years."""
