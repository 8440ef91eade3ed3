"""What each `make-book` command does, one module a command; cli.py only parses arguments."""
