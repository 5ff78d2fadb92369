"""The audit trail: who did what to which record, when; any module records its events here."""
