"""The Qt console. Adapts core state; holds no business logic."""
