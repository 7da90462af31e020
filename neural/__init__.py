"""Neural encoder-decoders."""
