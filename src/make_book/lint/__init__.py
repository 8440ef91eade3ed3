"""What can be found without publishing: check, typography hints, EPUBCheck."""
