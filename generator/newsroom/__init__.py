"""The input: YAML with line numbers, the validated model, the site (what is public now), paths, `smr new`."""
