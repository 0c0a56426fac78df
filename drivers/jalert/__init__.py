"""J-Alert inputs: a debounced contact on a serial control line, the receiver's e-mail."""
