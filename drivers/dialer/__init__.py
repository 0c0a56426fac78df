"""一斉架電: the phone auto-dialer — V.253 voice modems, campaigns, a simulator."""
