def write(book, editions, ctx):
    return []
