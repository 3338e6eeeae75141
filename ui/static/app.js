// filled in a later commit
