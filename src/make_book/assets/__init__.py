"""Images, fonts and covers: the files the editions are made with, made once per content."""
