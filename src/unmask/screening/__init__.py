"""Screening lists of companies against the record (issue 18): names.py makes names
comparable, legal_forms.py knows the forms, identifiers.py the identifiers, matcher.py decides."""
