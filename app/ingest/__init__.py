"""Input from outside: bulletins, alerts and feeds that other systems send us (untrusted)."""
