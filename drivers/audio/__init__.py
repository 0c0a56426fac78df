"""Audio devices: playback to the radio's line input and the operator's microphone."""
