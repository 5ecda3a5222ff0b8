"""Views of the call for applications, one module per audience: `public`, `applicant` (applying),
`config` (staff configuration), `staff` (staff actions on a dossier). The review side adds its own modules."""
