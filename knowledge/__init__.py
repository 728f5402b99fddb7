"""The domain of HÖK-assistenten: sources, settings, text normalisation (and later the register)."""
