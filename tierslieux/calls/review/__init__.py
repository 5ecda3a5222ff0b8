"""The review and decision side of the call (AMI).

- `scoring`: plain Python (no Django) — weighted scores, spread between reviewers, assignment proposal.
- `selectors`: reads (what a reviewer sees, a file's scoring summary, staff lists, statistics, `wave_ranking`).
- `services`: writes (assignments, conflicts of interest, reviews, staff notes, reminders).
- `committee`: the committee's decisions, envelope consumption, laureates' publication.
"""
