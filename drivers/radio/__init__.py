"""防災行政無線: the operator procedure as a state machine over interchangeable backends
(contacts on serial control lines, a vendor serial profile, a simulator)."""
