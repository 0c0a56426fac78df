"""Voice: offline Japanese text-to-speech, readings (読み), chimes and programme assembly.

Pure computation on numpy arrays; devices (sound cards, radios, modems) live in ``drivers/``.
"""
