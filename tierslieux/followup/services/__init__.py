"""Writes of the follow-up, one module per entity: `agreements` (create from the decision, complete, sign,
amend, terminate), `tranches` (release, commit, pay, suspend, resume, cancel), `reports` (autosave, submit,
accept, ask for corrections, attachments), `census` (campaigns and answers). Each is keyword-only and
transactional; refusals are `tierslieux.core.errors.ServiceError` (French message, HTTP status); every status
change goes through `tierslieux.core.services.transition_apply`."""
