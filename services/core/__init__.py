"""What every area uses: the clock, the working-day calendar, periods, jurisdictions,
bulk SQL, audit, signed links, evidence files, errors and the schema.
"""
