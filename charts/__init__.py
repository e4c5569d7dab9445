"""Charts: compose the constructs into the per-environment applications of dist/<env>/."""
