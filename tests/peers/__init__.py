"""Real local peers (servers) the tests talk to instead of hand-written fakes."""
