"""People who sign in: identity (Principal), passwords and throttling, invitations, and what
each person may see (access scopes).
"""
