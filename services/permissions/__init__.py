"""Who is signed in (principal.Principal) and every rule of who may do what (rules), used by
every service that decides it: accounts, hazards, visits, reports and the web and CLI above."""
