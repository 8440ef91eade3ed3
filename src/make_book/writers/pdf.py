def write(book, edition, ctx):
    return []
