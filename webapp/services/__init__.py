"""Plain functions over the models: the only place that reads or writes them."""
