"""What happens to a record after extraction: normalize, validate, dedupe, store."""
