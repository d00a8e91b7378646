"""The synthetic demo data: a school year of calls, actions and staffing drawn call by call."""
