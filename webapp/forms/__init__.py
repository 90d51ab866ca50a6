"""WTForms classes, one module per instrument."""
